import type { Page } from 'playwright-core';
import { resolveStepUrl, RunStep } from '../run-definition';

/** Waits between probes: short at first (a page mid-navigation settles in tens of ms), then 100 ms. */
const POLL_DELAYS_MS = [10, 25, 50, 100];

/** Polls `probe` until it returns true or the time is up; the error says what was last seen. */
async function until(
  page: Page,
  timeoutMs: number,
  probe: () => Promise<{ ok: boolean; seen: string }>,
  expected: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    // A closed page (run stopped, browser gone) will not come back: stop polling at once.
    if (page.isClosed()) throw new Error(`Target page, context or browser has been closed while expecting ${expected}`);
    const result = await probe().catch((e: Error) => ({ ok: false, seen: e.message.split('\n')[0] }));
    if (result.ok) return;
    if (Date.now() >= deadline)
      throw new Error(`Timeout ${timeoutMs}ms exceeded: expected ${expected}, got ${result.seen}`);
    await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)]));
  }
}

export interface StepContext {
  baseUrl?: string;
  timeoutMs: number;
  /** Saves a screenshot under the run's folder, returns the artifact name. */
  screenshot: (name: string, selector?: string) => Promise<string>;
}

/** Performs one step; resolves with the screenshot it took, if any, or throws Playwright's error. */
export async function performStep(page: Page, step: RunStep, ctx: StepContext): Promise<string | undefined> {
  const timeout = step.timeoutMs ?? ctx.timeoutMs;
  const locator = () => page.locator(step.selector!);
  switch (step.action) {
    case 'goto':
      await page.goto(resolveStepUrl(step.url!, ctx.baseUrl), { timeout, waitUntil: 'load' });
      return;
    case 'click':
      return void (await locator().click({ timeout }));
    case 'dblclick':
      return void (await locator().dblclick({ timeout }));
    case 'fill':
      return void (await locator().fill(step.value!, { timeout }));
    case 'press':
      return void (await locator().press(step.key!, { timeout }));
    case 'select':
      return void (await locator().selectOption(step.value!, { timeout }));
    case 'check':
      return void (await locator().check({ timeout }));
    case 'uncheck':
      return void (await locator().uncheck({ timeout }));
    case 'hover':
      return void (await locator().hover({ timeout }));
    case 'waitFor':
      return void (await locator().waitFor({ state: step.state ?? 'visible', timeout }));
    case 'expectVisible':
      return void (await locator().first().waitFor({ state: 'visible', timeout }));
    case 'expectHidden':
      return void (await locator().first().waitFor({ state: 'hidden', timeout }));
    case 'expectText':
      await until(
        page,
        timeout,
        async () => {
          const text = await locator()
            .first()
            .innerText({ timeout: Math.min(timeout, 1000) });
          return { ok: text.includes(step.text!), seen: JSON.stringify(text.slice(0, 200)) };
        },
        `${step.selector} to contain ${JSON.stringify(step.text)}`,
      );
      return;
    case 'expectUrl': {
      const want = resolveStepUrl(step.url!, ctx.baseUrl);
      await until(page, timeout, async () => ({ ok: page.url() === want, seen: page.url() }), `the URL to be ${want}`);
      return;
    }
    case 'expectTitle':
      await until(
        page,
        timeout,
        async () => {
          const title = await page.title();
          return { ok: title === step.text, seen: JSON.stringify(title) };
        },
        `the title to be ${JSON.stringify(step.text)}`,
      );
      return;
    case 'screenshot':
      return ctx.screenshot(`${step.name}.png`, step.selector);
  }
}
