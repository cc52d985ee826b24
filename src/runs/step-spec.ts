import { resolveStepUrl, type RunStep, type StepRunDefinition } from './run-definition';

/**
 * A step run as a Playwright Test file that does what the step executor does
 * (worker/run-executor.ts, worker/step-actions.ts): the same locators, each action with the
 * step's timeout (or the run's stepTimeoutMs), the same assertions polled the same way, the
 * run's timeout as the test's, each step a `test.step`, screenshots attached to the test.
 * Posted back as a script run, it is accepted and runs the same way.
 *
 * Every string the user gave is written as a JSON string literal, which is a JavaScript
 * string literal: no selector, value or name can end the literal and become code. No user
 * string goes into a comment.
 */

/** A JavaScript string literal of any string (JSON's escaping: quotes, backslashes, controls, lone surrogates). */
const lit = (value: string) => JSON.stringify(value);

/** The file name the spec is served as: the run's name in lower case, letters and digits, dashes between. */
export function specFileName(runName: string): string {
  const slug = runName
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'run'}.spec.ts`;
}

/** Waits between polls of an assertion, as step-actions.ts waits. */
const POLL = '{ timeout: %T, intervals: [10, 25, 50, 100] }';
const poll = (timeout: number) => POLL.replace('%T', String(timeout));

/** What a step acted on, as run-executor.ts names it in its step results. */
const stepTarget = (step: RunStep) => step.selector ?? step.url ?? step.name ?? step.text ?? null;

/**
 * The URL expectUrl compares with, resolved now; one that does not resolve is written as
 * the expression that throws at run time, where the executor's step throws too.
 */
function expectedUrl(url: string, baseUrl?: string): string {
  try {
    return lit(resolveStepUrl(url, baseUrl));
  } catch {
    return `new URL(${lit(url)}${baseUrl ? `, ${lit(baseUrl)}` : ''}).href`;
  }
}

/** The statements of one step's body (indented by the caller). */
function stepBody(step: RunStep, def: StepRunDefinition): string[] {
  const timeout = step.timeoutMs ?? def.options.stepTimeoutMs;
  const loc = step.selector === undefined ? '' : `page.locator(${lit(step.selector)})`;
  const t = `{ timeout: ${timeout} }`;
  switch (step.action) {
    case 'goto':
      // baseURL (test.use) resolves a relative URL as the executor does: new URL(url, baseUrl).
      return [`await page.goto(${lit(step.url!)}, { timeout: ${timeout}, waitUntil: 'load' });`];
    case 'click':
      return [`await ${loc}.click(${t});`];
    case 'dblclick':
      return [`await ${loc}.dblclick(${t});`];
    case 'fill':
      return [`await ${loc}.fill(${lit(step.value!)}, ${t});`];
    case 'press':
      return [`await ${loc}.press(${lit(step.key!)}, ${t});`];
    case 'select':
      return [`await ${loc}.selectOption(${lit(step.value!)}, ${t});`];
    case 'check':
      return [`await ${loc}.check(${t});`];
    case 'uncheck':
      return [`await ${loc}.uncheck(${t});`];
    case 'hover':
      return [`await ${loc}.hover(${t});`];
    case 'waitFor':
      return [`await ${loc}.waitFor({ state: ${lit(step.state ?? 'visible')}, timeout: ${timeout} });`];
    case 'expectVisible':
      return [`await ${loc}.first().waitFor({ state: 'visible', timeout: ${timeout} });`];
    case 'expectHidden':
      return [`await ${loc}.first().waitFor({ state: 'hidden', timeout: ${timeout} });`];
    case 'expectText':
      // The first match's innerText contains the text (a plain substring, no whitespace folding).
      return [
        `await expect`,
        `  .poll(() => ${loc}.first().innerText({ timeout: ${Math.min(timeout, 1000)} }).catch(() => null), ${poll(timeout)})`,
        `  .toContain(${lit(step.text!)});`,
      ];
    case 'expectUrl':
      // The whole URL, exactly, as the executor compares it.
      return [`await expect.poll(() => page.url(), ${poll(timeout)}).toBe(${expectedUrl(step.url!, def.baseUrl)});`];
    case 'expectTitle':
      return [`await expect.poll(() => page.title().catch(() => null), ${poll(timeout)}).toBe(${lit(step.text!)});`];
    case 'screenshot': {
      // The executor takes it with the run's stepTimeoutMs, of the first match or the full page.
      const shot =
        step.selector === undefined
          ? `page.screenshot({ fullPage: true, timeout: ${def.options.stepTimeoutMs} })`
          : `${loc}.first().screenshot({ timeout: ${def.options.stepTimeoutMs} })`;
      return [`await testInfo.attach(${lit(`${step.name!}.png`)}, { body: await ${shot}, contentType: 'image/png' });`];
    }
  }
}

/** The Playwright Test file of a step run. */
export function stepRunSpec(def: StepRunDefinition): string {
  const lines = [
    '// A Stevedore step run as a Playwright Test file (GET /api/runs/:id/spec). Post it as a',
    "// script run with the run's options (trace, video, screenshots) to run it the same way.",
    "import { test, expect } from '@playwright/test';",
    '',
  ];
  if (def.baseUrl) lines.push(`test.use({ baseURL: ${lit(def.baseUrl)} });`, '');
  lines.push(
    '// The step executor keeps a screenshot of the page when a step fails, whatever the options say.',
    'test.afterEach(async ({ page }, testInfo) => {',
    '  if (testInfo.status === testInfo.expectedStatus || page.isClosed()) return;',
    '  const body = await page.screenshot({ fullPage: true, timeout: ' +
      String(def.options.stepTimeoutMs) +
      ' }).catch(() => undefined);',
    "  if (body) await testInfo.attach('failure.png', { body, contentType: 'image/png' });",
    '});',
    '',
    `test(${lit(def.name)}, async ({ page }, testInfo) => {`,
    `  test.setTimeout(${def.options.timeoutMs});`,
  );
  def.steps.forEach((step, index) => {
    const title = [String(index), step.action, stepTarget(step)].filter((part) => part !== null).join(' ');
    lines.push(`  await test.step(${lit(title)}, async () => {`);
    for (const line of stepBody(step, def)) lines.push(`    ${line}`);
    if (def.options.screenshots === 'on' && step.action !== 'screenshot')
      lines.push(
        `    await testInfo.attach(${lit(`step-${index}.png`)}, {`,
        `      body: await page.screenshot({ fullPage: true, timeout: ${def.options.stepTimeoutMs} }),`,
        "      contentType: 'image/png',",
        '    });',
      );
    lines.push('  });');
  });
  lines.push('});', '');
  return lines.join('\n');
}
