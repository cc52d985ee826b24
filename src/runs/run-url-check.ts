import type { AddressPolicy } from '../egress/address-policy';
import { resolveStepUrl, type RunDefinition } from './run-definition';

/**
 * The egress rule for every absolute URL a run names (its baseUrl and each goto), each
 * refusal naming its field (`steps[2].url is not allowed: …`). The guard at connect time
 * still covers every request the run makes; this turns a refused host into a 400 when the
 * run is submitted instead of a failed run later.
 */
export async function refusedRunUrls(
  definition: RunDefinition,
  egress: Pick<AddressPolicy, 'check'>,
): Promise<string[]> {
  const targets: Array<[string, string]> = [];
  if (definition.baseUrl) targets.push(['baseUrl', definition.baseUrl]);
  definition.steps?.forEach((step, i) => {
    if (step.action === 'goto' && step.url)
      targets.push([`steps[${i}].url`, resolveStepUrl(step.url, definition.baseUrl)]);
  });
  const refused: string[] = [];
  for (const [field, url] of targets) {
    const verdict = await egress.check(url);
    if (!verdict.allowed) refused.push(`${field} is not allowed: ${verdict.reason}`);
  }
  return refused;
}
