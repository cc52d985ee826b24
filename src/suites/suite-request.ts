import { DEFAULT_PRIORITY, type RunDefinition } from '../runs/run-definition';
import { isHttpUrl, isObject } from '../validation/body-checks';
import { formatMailbox, parseRecipients } from '../mail/recipients';

/** A suite as accepted, before its tests are checked (by the runs' own parser, which knows the egress rule). */
export interface SuiteRequest {
  name: string;
  /** Run definitions, each with the suite's priority unless it gives its own. */
  tests: unknown[];
  notify: string[];
  webhookUrl: string | null;
  priority: number;
  concurrency: number | null;
}

/** A suite as a schedule keeps it: its tests checked, with their defaults filled in. */
export type SuiteTemplate = Omit<SuiteRequest, 'tests'> & { tests: RunDefinition[] };

export const MAX_TESTS = 500;
export const MAX_NOTIFY = 50;
const FIELDS = ['name', 'tests', 'notify', 'webhookUrl', 'priority', 'concurrency'];

const given = (value: unknown) => value !== undefined && value !== null;

/**
 * The suite's own fields, every problem named. `maxTests` is the lower of MAX_TESTS and
 * QUEUED_CAPACITY: a suite that could never be admitted is a bad request, not a 429.
 */
export function parseSuiteRequest(body: unknown, maxTests: number): { request?: SuiteRequest; errors: string[] } {
  if (!isObject(body)) return { errors: ['the body must be a JSON object with name and tests'] };
  const errors: string[] = [];
  for (const key of Object.keys(body))
    if (!FIELDS.includes(key)) errors.push(`${key} is not a field of a suite (${FIELDS.join(', ')})`);
  const { name, tests, notify, webhookUrl, priority, concurrency } = body;

  if (typeof name !== 'string' || !name.trim()) errors.push('name is required (a non-empty string)');
  else if (name.length > 200) errors.push('name must be at most 200 characters');

  if (!Array.isArray(tests))
    errors.push('tests is required (a list of run definitions, each the body of POST /api/runs)');
  else if (tests.length === 0) errors.push('tests must have at least one test');
  else if (tests.length > maxTests) errors.push(`tests may have at most ${maxTests} tests (got ${tests.length})`);

  // Addresses as the emails API reads them: "Name <address>" and lists included.
  let recipients: string[] = [];
  if (given(notify)) {
    if (!Array.isArray(notify)) errors.push('notify must be a list of email addresses');
    else if (notify.length > 0) {
      const parsed = parseRecipients('notify', notify, MAX_NOTIFY);
      errors.push(...parsed.errors);
      recipients = parsed.mailboxes.map(formatMailbox);
    }
  }
  if (given(webhookUrl)) {
    if (typeof webhookUrl !== 'string' || !isHttpUrl(webhookUrl))
      errors.push('webhookUrl must be an http or https URL');
    else if (webhookUrl.length > 2048) errors.push('webhookUrl must be at most 2048 characters');
  }
  if (given(priority) && (!Number.isInteger(priority) || (priority as number) < 1 || (priority as number) > 10)) {
    errors.push('priority must be a whole number from 1 (most urgent) to 10');
  }
  if (
    given(concurrency) &&
    (!Number.isInteger(concurrency) || (concurrency as number) < 1 || (concurrency as number) > 1000)
  ) {
    errors.push('concurrency must be a whole number from 1 to 1000 (how many of its runs may run at once)');
  }
  if (errors.length) return { errors };

  const suitePriority = (priority as number | undefined) ?? DEFAULT_PRIORITY;
  return {
    request: {
      name: (name as string).trim(),
      // A test taken from an earlier run (`fromRun`) gets the suite's priority when it is read.
      tests: (tests as unknown[]).map((test) =>
        isObject(test) && !given(test.priority) && !('fromRun' in test) ? { ...test, priority: suitePriority } : test,
      ),
      notify: recipients,
      webhookUrl: (webhookUrl as string | undefined) ?? null,
      priority: suitePriority,
      concurrency: (concurrency as number | undefined) ?? null,
    },
    errors,
  };
}
