import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { Client } from 'pg';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

/** Waits until the locator's text passes `check` (the page changes on its own: live updates). */
async function waitText(
  locator: Locator,
  check: (text: string) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<string> {
  return pollUntil(
    async () =>
      (
        (await locator
          .first()
          .textContent()
          .catch(() => null)) ?? ''
      ).trim(),
    check,
    timeoutMs,
    what,
  );
}
const hasText = (locator: Locator, text: string, timeoutMs?: number) =>
  waitText(locator, (t) => t === text, `text "${text}"`, timeoutMs);
const containsText = (locator: Locator, text: string, timeoutMs?: number) =>
  waitText(locator, (t) => t.includes(text), `text containing "${text}"`, timeoutMs);
const visible = (locator: Locator, timeout = 10_000) => locator.first().waitFor({ state: 'visible', timeout });

/** Where the pages' screenshots go, for a reviewer to look at without running anything. */
const SHOTS = join(__dirname, '..', 'test-results', 'dashboard');

const XSS_IMG = '<img src=x onerror=window.__xss=1>';
const XSS_SCRIPT = '</script><script>window.__xss=2</script>';

/**
 * The web dashboard in real Chromium, against a real API and worker: sign-in, a run queued
 * from the page and followed live to its trace, cancel, a suite's progress, hostile text
 * from runs and scraped pages, sessions across projects, accessibility of every page.
 */
describe('dashboard', () => {
  let stack: Stack;
  let site: TestSite;
  let browser: Browser;
  let releaseSlow: () => void = () => undefined;

  const signIn = async (
    key = TEST_API_KEY,
    width = 1280,
    height = 800,
  ): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    // Any script that runs from hostile text would set window.__xss or open a dialog.
    page.on('dialog', (dialog) => {
      throw new Error(`A dialog opened: ${dialog.message()}`);
    });
    await page.goto(`${stack.base}/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    return { context, page };
  };

  const runStatus = (page: Page) => page.locator('.title-row .status');

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    site = await new TestSite({
      '/login': LOGIN_PAGE,
      '/welcome': WELCOME_PAGE,
      '/hostile': `<!doctype html><title>${XSS_IMG} title</title><h1>Hostile</h1>
        <p><a href="javascript:window.__xss=3">a javascript: link</a></p>
        <pre>${XSS_SCRIPT.replace(/</g, '&lt;')}</pre><p>${XSS_IMG.replace(/</g, '&lt;')}</p>`,
      '/slow': (_req, res) => {
        // Holds the page open until the test lets go (the run is cancelled first).
        const timer = setTimeout(() => res.end('<title>slow</title>'), 60_000);
        releaseSlow = () => {
          clearTimeout(timer);
          res.end('<title>slow</title>');
        };
      },
    }).start();
    stack = new Stack(baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '2' }));
    [browser] = await Promise.all([launchChromium(), stack.start()]);
  });

  afterAll(async () => {
    releaseSlow();
    await browser?.close();
    await stack?.stop();
    await site?.stop();
  });

  it('serves the page with a strict Content-Security-Policy and no inline script', async () => {
    const res = await fetch(`${stack.base}/`);
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // Everything the first load fetches is from this origin, and its JavaScript is small.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.every((asset) => asset.startsWith('/') && !asset.startsWith('//'))).toBe(true);
    let scriptBytes = 0;
    for (const asset of assets.filter((a) => a.endsWith('.js'))) {
      const body = Buffer.from(await (await fetch(`${stack.base}${asset}`)).arrayBuffer());
      scriptBytes += gzipSync(body).length;
    }
    expect(scriptBytes).toBeGreaterThan(1000);
    expect(scriptBytes).toBeLessThan(150 * 1024);
    // A dashboard path reloads into the page; an unknown API path is still the API's 404.
    expect((await fetch(`${stack.base}/runs/00000000-0000-4000-8000-000000000000`)).status).toBe(200);
    expect((await fetch(`${stack.base}/api/nothing-here`)).status).toBe(404);
  });

  it('signs in with a key into an HttpOnly, SameSite=Strict cookie and keeps the key nowhere in the page', async () => {
    const { context, page } = await signIn();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'stv_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(TEST_API_KEY);
    const stored = await page.evaluate(
      () =>
        JSON.stringify({ ...localStorage, ...sessionStorage }) +
        (globalThis as unknown as { document: { cookie: string } }).document.cookie,
    );
    expect(stored).not.toContain(TEST_API_KEY);
    expect(await page.content()).not.toContain(TEST_API_KEY);
    expect(page.url()).not.toContain(TEST_API_KEY);
    // A change with the cookie but without the CSRF token is refused.
    const forged = await page.evaluate(
      async () =>
        (await fetch('/api/runs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
          .status,
    );
    expect(forged).toBe(403);
    await context.close();
  });

  it('queues a run from the page, shows it going from queued to passed without a reload, and opens its screenshot and trace', async () => {
    const { context, page } = await signIn();
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: 'New run' }).click();
    const editor = page.getByLabel('Run definition (as POST /api/runs takes it)');
    // A mistake first: the API's message shows at the line it is about.
    const definition = {
      name: 'dashboard sign-in',
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/login' }],
    };
    // Written as a person would: one step per line, the second without its selector.
    const mistaken = [
      '{',
      `  "name": "dashboard sign-in", "baseUrl": "${site.base}",`,
      '  "steps": [',
      '    { "action": "goto", "url": "/login" },',
      '    { "action": "click" }',
      '  ]',
      '}',
    ].join('\n');
    await editor.fill(mistaken);
    await page.getByRole('button', { name: 'Queue the run' }).click();
    const problem = page.locator('.problems li').first();
    await containsText(problem, 'steps[1]');
    expect(await problem.getByRole('button').textContent()).toBe('Line 5');
    await editor.fill(mistaken.replace('"/login" },', '"/login" }'));
    await page.getByRole('button', { name: 'Queue the run' }).click();
    await containsText(page.locator('.problems li').first(), 'Not JSON');
    expect(await page.locator('.problems li button').first().textContent()).toBe('Line 5');
    // Code: a syntax error shows at its line of the file.
    await page.getByRole('tab', { name: 'Playwright Test code' }).click();
    await page.getByLabel('Base URL').fill(site.base);
    await page
      .getByLabel('sign-in.spec.ts (Playwright Test)')
      .fill(
        "import { test } from '@playwright/test';\n\ntest('x', async ({ page }) => {\n  await page.goto('/login'\n});\n",
      );
    await page.getByRole('button', { name: 'Queue the run' }).click();
    await containsText(page.locator('.problems li').first(), 'Line');
    expect(await page.locator('.problems li button').first().textContent()).toMatch(/^Line [45]$/);
    await page.getByRole('tab', { name: 'Steps (JSON)' }).click();

    await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = 1));
    definition.steps = [
      { action: 'goto', url: '/login' },
      { action: 'fill', selector: '#email', value: 'a@example.com' } as never,
      { action: 'click', selector: "role=button[name='Sign in']" } as never,
      { action: 'expectText', selector: 'h1', text: 'Welcome' } as never,
      { action: 'screenshot', name: 'signed-in' } as never,
    ];
    await editor.fill(JSON.stringify({ ...definition, options: { trace: 'on' } }, null, 2));
    await page.getByRole('button', { name: 'Queue the run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const seen = new Set<string>();
    const watch = setInterval(
      () =>
        void runStatus(page)
          .textContent()
          .then(
            (text) => text && seen.add(text),
            () => undefined,
          ),
      20,
    );
    await hasText(runStatus(page), 'passed', 60_000);
    clearInterval(watch);
    expect([...seen].some((status) => status === 'queued' || status === 'running')).toBe(true);
    // No reload happened: the marker set before queueing is still there.
    expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(1);
    await pollUntil(
      () => page.locator('.step').count(),
      (n) => n === 5,
      10_000,
      'five steps shown',
    );

    const shot = page.getByAltText('Attachment signed-in.png');
    await shot.waitFor();
    // The element is there before its image has loaded: wait for the load to end (a broken
    // image ends with no width, and fails the check below).
    const width = await pollUntil(
      () => shot.evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : -1)),
      (w) => w !== -1,
      10_000,
      'the screenshot loaded',
    );
    expect(width).toBeGreaterThan(0);

    const [viewer] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /Open trace/ }).click(),
    ]);
    // The trace viewer, served by the API, lists the run's actions.
    await visible(viewer.getByText(/^Navigate/), 30_000).catch(async (error: unknown) => {
      await viewer.screenshot({ path: join(SHOTS, 'trace-viewer-failed.png') });
      throw error;
    });
    await visible(viewer.getByText(/^Fill/));
    await visible(viewer.getByText(/\/login$/));
    await viewer.screenshot({ path: join(SHOTS, 'trace-viewer.png') });
    await context.close();
  });

  it('cancels a running run from its page', async () => {
    const res = await stack.request('/api/runs', {
      body: {
        name: 'slow page',
        baseUrl: site.base,
        steps: [{ action: 'goto', url: '/slow' }],
        options: { stepTimeoutMs: 60000 },
      },
    });
    const { id } = await json(res);
    await pollUntil(
      async () => (await json(await stack.request(`/api/runs/${id}`))).status,
      (s) => s === 'running',
      30_000,
    );
    const { context, page } = await signIn();
    await page.goto(`${stack.base}/runs/${id}`);
    await hasText(runStatus(page), 'running');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await hasText(runStatus(page), 'cancelled', 30_000);
    await context.close();
  });

  it("moves a suite's progress bar as its runs end", async () => {
    const passing = (name: string) => ({
      name,
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/welcome' },
        { action: 'expectText', selector: 'h1', text: 'Welcome' },
      ],
    });
    const { id } = await json(
      await stack.request('/api/suites', {
        body: { name: 'dashboard suite', concurrency: 1, tests: [1, 2, 3, 4].map((n) => passing(`test ${n}`)) },
      }),
    );
    const { context, page } = await signIn();
    await page.goto(`${stack.base}/suites/${id}`);
    const bar = page.getByRole('progressbar');
    const values = new Set<string>();
    await pollUntil(
      async () => {
        const now = await bar.getAttribute('aria-valuenow');
        if (now) values.add(now);
        return now;
      },
      (now) => now === '4',
      60_000,
      'suite progress 4/4',
    );
    // A value between none and all was on screen: the bar moved as runs ended, it did not jump.
    expect([...values].some((v) => ['1', '2', '3'].includes(v))).toBe(true);
    await hasText(page.locator('.title-row .status'), 'passed');
    await context.close();
  });

  it('renders hostile run names, step errors, page titles and markdown as text', async () => {
    const failing = await json(
      await stack.request('/api/runs', {
        body: {
          name: `${XSS_IMG} ${XSS_SCRIPT}`,
          baseUrl: site.base,
          steps: [
            { action: 'goto', url: '/welcome' },
            { action: 'expectText', selector: 'h1', text: XSS_IMG, timeoutMs: 1000 },
          ],
        },
      }),
    );
    const scrape = await json(await stack.request('/api/scrapes', { body: { url: `${site.base}/hostile` } }));
    await pollUntil(
      async () => (await json(await stack.request(`/api/runs/${failing.id}`))).status,
      (s) => s === 'failed',
      60_000,
    );
    await pollUntil(
      async () => (await json(await stack.request(`/api/scrapes/${scrape.id}`))).status,
      (s) => s === 'completed',
      60_000,
    );

    const { context, page } = await signIn();
    const cspViolations: string[] = [];
    await page.exposeFunction('__violation', (text: string) => cspViolations.push(text));
    await page.goto(`${stack.base}/runs`);
    await visible(page.getByRole('link', { name: XSS_IMG, exact: false }));
    await page.goto(`${stack.base}/runs/${failing.id}`);
    await containsText(page.locator('pre.error-text'), XSS_IMG);
    await page.goto(`${stack.base}/scrapes/${scrape.id}`);
    await page.getByRole('button', { name: /title/ }).first().click();
    const article = page.locator('.scraped-page');
    await containsText(article.getByRole('heading'), XSS_IMG);
    await containsText(article, 'a javascript: link');
    // The javascript: link is shown as text, not as a link.
    expect(await article.locator('a[href^="javascript"]').count()).toBe(0);
    for (const path of ['/runs', `/runs/${failing.id}`, `/scrapes/${scrape.id}`]) {
      if (path !== `/scrapes/${scrape.id}`) await page.goto(`${stack.base}${path}`);
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
    }
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('keeps each session to its project, ends it on sign-out and when its key is revoked', async () => {
    const project = await json(await stack.request('/api/projects', { body: { name: `dash-${Date.now()}` } }));
    const made = await json(
      await stack.request(`/api/projects/${project.id}/keys`, { body: { name: 'qa', scopes: ['trigger'] } }),
    );
    const mine = await json(await stack.request('/api/runs?limit=1'));
    const defaultRunId = mine.items[0].id as string;

    const { context, page } = await signIn(made.key);
    const status = await page.evaluate(async (id) => (await fetch(`/api/runs/${id}`)).status, defaultRunId);
    expect(status).toBe(404);
    await page.goto(`${stack.base}/runs`);
    await visible(page.getByText('No runs match.'));
    await page.goto(`${stack.base}/runs/${defaultRunId}`);
    await containsText(page.getByRole('alert'), 'not found');
    // The live stream follows only the session's project: another project's run is `gone`.
    const live = await page.evaluate(async (id) => {
      const res = await fetch(`/api/live?runs=${id}`);
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: gone') && !text.includes('event: run.')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      return text;
    }, defaultRunId);
    expect(live).toContain('event: gone');
    expect(live).not.toContain('run.updated');

    // Revoking the key ends the session: the next request is refused and the page asks to sign in.
    const cookie = (await context.cookies())[0].value;
    const revoked = await stack.request(`/api/projects/${project.id}/keys/${made.id}`, { method: 'DELETE' });
    expect(revoked.status).toBeLessThan(300);
    const afterRevoke = await fetch(`${stack.base}/api/runs`, { headers: { cookie: `stv_session=${cookie}` } });
    expect(afterRevoke.status).toBe(401);
    await page.goto(`${stack.base}/runs`);
    await visible(page.getByLabel('API key'));
    await context.close();

    // Signing out ends the session everywhere: the old cookie no longer opens anything.
    const second = await signIn();
    const old = (await second.context.cookies())[0].value;
    await second.page.getByRole('button', { name: 'Sign out' }).click();
    await visible(second.page.getByLabel('API key'));
    expect((await fetch(`${stack.base}/api/runs`, { headers: { cookie: `stv_session=${old}` } })).status).toBe(401);
    await second.context.close();
  });

  it('has no serious or critical accessibility violations on any page, wide or narrow, and saves a screenshot of each', async () => {
    // The run queued from the page: steps, a screenshot and a trace to show.
    const runs = await json(await stack.request('/api/runs?limit=1&status=passed&name=dashboard%20sign-in'));
    const suites = await json(await stack.request('/api/suites?limit=1'));
    const scrapes = await json(await stack.request('/api/scrapes?limit=1'));
    // A schedule with a history, so that its pass/fail strip is on the page.
    const schedule = await json(
      await stack.request('/api/schedules', {
        body: {
          name: 'nightly sign-in',
          cron: '0 3 * * *',
          run: { name: 'nightly', baseUrl: site.base, steps: [{ action: 'goto', url: '/welcome' }] },
        },
      }),
    );
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      for (const status of ['passed', 'failed', 'passed'])
        await db.query(
          `INSERT INTO runs (id, project_id, name, definition, status, schedule_id, finished_at, duration_ms)
           SELECT gen_random_uuid(), project_id, 'nightly', '{}'::jsonb, $2, id, now(), 900 FROM schedules WHERE id = $1`,
          [schedule.id, status],
        );
    } finally {
      await db.end();
    }
    const pages: Array<[string, string]> = [
      ['overview', '/'],
      ['runs', '/runs'],
      ['run', `/runs/${runs.items[0].id}`],
      ['new-run', '/runs/new'],
      ['suites', '/suites'],
      ['suite', `/suites/${suites.items[0].id}`],
      ['scrapes', '/scrapes'],
      ['scrape', `/scrapes/${scrapes.items[0].id}`],
      ['schedules', '/schedules'],
      ['emails', '/emails'],
      ['dead-letters', '/dead-letters'],
    ];
    const report: string[] = [];
    for (const [width, height, suffix] of [
      [1280, 800, ''],
      [390, 844, '-narrow'],
    ] as const) {
      const { context, page } = await signIn(TEST_API_KEY, width, height);
      for (const [name, path] of pages) {
        await page.goto(`${stack.base}${path}`);
        await page.locator('main h1').first().waitFor();
        // Loaded: no part of the page is still waiting for its data.
        await page.waitForFunction(
          () =>
            !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
              '.loading',
            ),
        );
        await page.screenshot({ path: join(SHOTS, `${name}${suffix}.png`), fullPage: true });
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const violation of results.violations) {
          if (violation.impact === 'serious' || violation.impact === 'critical')
            report.push(
              `${name}${suffix}: ${violation.id} (${violation.impact}) ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            );
        }
      }
      await context.close();
    }
    const signInContext = await browser.newContext();
    const signInPage = await signInContext.newPage();
    await signInPage.goto(`${stack.base}/`);
    await signInPage.getByLabel('API key').waitFor();
    await signInPage.screenshot({ path: join(SHOTS, 'sign-in.png') });
    const signInResults = await new AxeBuilder({ page: signInPage }).analyze();
    for (const violation of signInResults.violations)
      if (violation.impact === 'serious' || violation.impact === 'critical') report.push(`sign-in: ${violation.id}`);
    await signInContext.close();
    expect(report).toEqual([]);
  });
});
