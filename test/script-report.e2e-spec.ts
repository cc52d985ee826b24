import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { storeHtmlReport, storeJunitReport } from '../src/runs/report/store-html-report';
import { AppProcess } from './helpers/app-process';
import { chromiumPath, launchChromium } from './helpers/chromium';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { rawRequest } from './helpers/raw-http';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';

const ROOT = join(__dirname, '..');
const SECRET = 'sk-live-8f3a9c2e71d4';
const redact = (text: string) => text.split(SECRET).join('[redacted]');
const BASIC = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;

/** What the user's tests do: one passes (printing the secret), one attaches HTML (inline and as a file) and fails on an expect. */
const SPEC = `
import { writeFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
test('greets the visitor', async ({ page }) => {
  await page.setContent('<h1>Hello ${SECRET}</h1>');
  console.log('token is ${SECRET}');
  await expect(page.locator('h1')).toContainText('Hello');
});
test('shows the cart total', async ({ page }, testInfo) => {
  await page.setContent('<h1>Total: 41</h1>');
  await testInfo.attach('inline page', { body: '<script>document.title = "pwned"</script>', contentType: 'text/html' });
  writeFileSync(testInfo.outputPath('page.html'), '<script>document.title = "pwned"</script>');
  await testInfo.attach('page file', { path: testInfo.outputPath('page.html'), contentType: 'text/html' });
  await expect(page.locator('h1'), 'the cart total').toHaveText('Total: 42', { timeout: 500 });
});
`;

/**
 * Generates a real Playwright HTML report and JUnit file with the Playwright Test CLI (test
 * setup, outside any sandbox), then tampers with it as a test's code could: a script in
 * index.html outside the data, a symlink among the attachments.
 */
function generateReport(dir: string): { reportDir: string; junit: string } {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'playwright.config.mjs'],
    { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '', HOME: dir, CI: '1' } },
  );
  if (!existsSync(join(dir, 'rep', 'index.html'))) throw new Error(`no report: ${result.stdout}\n${result.stderr}`);
  return { reportDir: join(dir, 'rep'), junit: join(dir, 'junit.xml') };
}

async function writeProject(dir: string): Promise<void> {
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const config = {
    reporter: [
      ['html', { open: 'never', outputFolder: 'rep' }],
      ['junit', { outputFile: 'junit.xml' }],
    ],
    use: { launchOptions: { executablePath: chromiumPath() }, trace: 'on', screenshot: 'only-on-failure' },
    workers: 1,
  };
  await writeFile(join(dir, 'playwright.config.mjs'), `export default ${JSON.stringify(config)};`);
  await writeFile(join(dir, 'cart.spec.mjs'), SPEC);
}

/** Every file under a folder, as text. */
const allText = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');

/**
 * A script run's Playwright HTML report and trace viewer, served by a real API from what
 * storeHtmlReport kept, opened in real Chromium with HTTP Basic auth as a user would.
 */
describe('script run HTML report', () => {
  let api: AppProcess;
  let base: string;
  let port: number;
  let dir: string;
  let browser: Browser;
  let db: Client;
  const runId = randomUUID();
  const stepRunId = randomUUID();
  let reportUrl: string;

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers, redirect: 'manual' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-report-'));
    const project = join(dir, 'project');
    await mkdir(project);
    await writeProject(project);
    const { reportDir, junit } = generateReport(project);
    await appendFile(join(reportDir, 'index.html'), '<script>window.TAMPERED = fetch("/api/runs")</script>');
    await writeFile(join(dir, 'outside.txt'), `outside ${SECRET}`);
    await symlink(join(dir, 'outside.txt'), join(reportDir, 'data', `${'ab'.repeat(20)}.txt`));

    const artifacts = join(dir, 'artifacts');
    const runDir = join(artifacts, 'runs', runId);
    expect(await storeHtmlReport(reportDir, runDir, redact)).toMatchObject({ notRedacted: [] });
    const junitStored = await storeJunitReport(junit, runDir, redact);
    expect(junitStored).toEqual({ bytes: expect.any(Number) });

    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const definition = JSON.stringify({ name: 'cart', baseUrl: 'http://127.0.0.1:1', steps: [] });
    for (const id of [runId, stepRunId]) {
      await db.query(
        `INSERT INTO runs (id, project_id, name, definition, status, finished_at, updated_at) VALUES ($1, '00000000-0000-4000-8000-000000000001', 'cart', $2, 'failed', now(), now())`,
        [id, definition],
      );
    }
    await db.query(
      `INSERT INTO run_artifacts (run_id, name, kind, content_type, size_bytes) VALUES ($1, 'junit.xml', 'junit', 'application/xml', $2)`,
      [runId, junitStored?.bytes],
    );

    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    reportUrl = `${base}/api/runs/${runId}/report/`;
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), ARTIFACTS_DIR: artifacts }) });
    await api.waitHealthy(`${base}/api/health`, 60000);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await db?.query('DELETE FROM runs WHERE id = ANY($1)', [[runId, stepRunId]]);
    await db?.end();
    await rm(dir, { recursive: true, force: true });
  });

  /** A page signed in with Basic auth, recording every request and every CSP violation. */
  async function signedInPage(): Promise<{
    context: BrowserContext;
    page: Page;
    requests: string[];
    violations: string[];
  }> {
    const context = await browser.newContext({ httpCredentials: { username: 'qa', password: TEST_API_KEY } });
    const requests: string[] = [];
    const violations: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    await context.exposeBinding('reportViolation', (_source, text: string) => violations.push(text));
    // Browser code, as text: the tests compile without the DOM's types.
    await context.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        window.reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' in ' + e.sourceFile));`,
    });
    return { context, page: await context.newPage(), requests, violations };
  }

  it('keeps nothing of the secret, the tampered page or the symlinked file', () => {
    const stored = allText(join(dir, 'artifacts', 'runs', runId));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('TAMPERED');
    expect(stored).not.toContain('outside');
    expect(existsSync(join(dir, 'artifacts', 'runs', runId, 'report', 'index.html'))).toBe(false);
  });

  it('renders the report in Chromium: test names, the failed test error, and its trace in the trace viewer', async () => {
    const { context, page, requests, violations } = await signedInPage();
    try {
      await page.goto(`${base}/api/runs/${runId}/report`);
      expect(page.url()).toBe(reportUrl);
      // The report app renders after it has read its data: wait for it, as a user would.
      await page.getByText('greets the visitor').first().waitFor({ state: 'visible', timeout: 15000 });
      await page.getByText('shows the cart total').first().click();
      await page.getByText('the cart total').first().waitFor();
      const text = await page.locator('body').innerText();
      expect(text).toContain('Total: 42');
      expect(text).toContain('Total: 41');
      expect(await page.evaluate('typeof window.TAMPERED')).toBe('undefined');
      expect(await page.title()).not.toBe('pwned');

      const traceLink = await page.locator('a[href*="trace/index.html?trace="]').first().getAttribute('href');
      expect(traceLink).toBe(`${reportUrl}trace/index.html?trace=${reportUrl}data/${traceLink?.slice(-44)}`);
      expect(traceLink).toMatch(/[0-9a-f]{40}\.zip$/);
      await page.goto(traceLink!);
      // The test's actions, by their titles (the failed expect's is its message).
      await page.getByText('Set content').first().waitFor({ timeout: 30000 });
      await page.getByText('the cart total').first().waitFor();
      // The viewer's service worker rendered the page under test from the trace.
      const snapshotText = () =>
        Promise.all(
          page
            .frames()
            .filter((frame) => frame.url().includes('/trace/snapshot/'))
            .map((frame) =>
              frame
                .locator('body')
                .innerText()
                .catch(() => ''),
            ),
        );
      await pollUntil(snapshotText, (texts) => texts.some((t) => t.includes('Total: 41')), 15000, 'a snapshot shown');

      const foreign = requests.filter((url) => !url.startsWith(`${base}/`) && !/^(data|blob):/.test(url));
      expect(foreign).toEqual([]);
      // The only thing the policies refuse: the trace viewer's inline script, which only warns when opened from file://.
      const fileWarning = /^script-src-elem inline in .*\/trace\/index\.html$/;
      expect(violations).toContainEqual(expect.stringMatching(fileWarning));
      expect(violations.filter((v) => !fileWarning.test(v))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('asks for Basic auth without a key, on every report and artifact path, and takes no key from the URL', async () => {
    for (const path of [
      `/api/runs/${runId}/report`,
      `/api/runs/${runId}/report/`,
      `/api/runs/${runId}/report/trace/index.html`,
      `/api/runs/${runId}/artifacts/junit.xml`,
      `/api/runs/${runId}/report/?key=${TEST_API_KEY}`,
      `/api/runs/${runId}/report/?token=${TEST_API_KEY}`,
      `/api/runs/${runId}/report/?api_key=${TEST_API_KEY}`,
    ]) {
      const res = await get(path);
      expect([path, res.status, res.headers.get('www-authenticate')]).toEqual([
        path,
        401,
        'Basic realm="Stevedore", charset="UTF-8"',
      ]);
    }
    const wrong = await get(`/api/runs/${runId}/report/`, { authorization: BASIC('not-the-key-0123456789') });
    expect([wrong.status, wrong.headers.get('www-authenticate')]).toEqual([401, expect.stringContaining('Basic')]);
    expect((await get(`/api/runs/${runId}/report/`, { authorization: `Bearer ${TEST_API_KEY}` })).status).toBe(200);
    expect((await get(`/api/runs/${runId}/report/`, { 'x-api-key': TEST_API_KEY })).status).toBe(200);
    expect((await get(`/api/runs/${runId}/report/`, { authorization: BASIC(TEST_API_KEY) })).status).toBe(200);
    // Basic is for the routes a browser opens, nowhere else.
    const list = await get('/api/runs', { authorization: BASIC(TEST_API_KEY) });
    expect([list.status, list.headers.get('www-authenticate')]).toEqual([401, null]);
  });

  it('serves the report page with its policies, and only the stored data in it', async () => {
    const res = await get(`/api/runs/${runId}/report/`, { authorization: BASIC(TEST_API_KEY) });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).not.toContain('TAMPERED');
    expect(html).toMatch(
      /<template id="playwrightReportBase64">data:application\/zip;base64,[A-Za-z0-9+/=]+<\/template>$/,
    );
    const viewer = await get(`/api/runs/${runId}/report/trace/snapshot.html`, { authorization: BASIC(TEST_API_KEY) });
    expect(viewer.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(viewer.headers.get('content-security-policy')).toContain("worker-src 'self'");
  });

  it('refuses traversal out of the trace viewer and the attachments, however it is spelled', async () => {
    const auth = { authorization: BASIC(TEST_API_KEY) };
    for (const path of [
      'trace/..%2f..%2fpackage.json',
      'trace/..%2F..%2F..%2F..%2Fpackage.json',
      'trace/%2e%2e/%2e%2e/package.json',
      'trace/..%5c..%5cpackage.json',
      '..%2f..%2f..%2f..%2f..%2fpackage.json',
      'data/..%2f..%2fjunit.xml',
      `data/..%2freport.zip`,
      'trace/%252e%252e%252fpackage.json',
    ]) {
      const res = await rawRequest(port, 'GET', `/api/runs/${runId}/report/${path}`, auth);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('"name": "stevedore"');
    }
  });

  it('serves attachments sandboxed, a test’s HTML only as a download, and byte ranges', async () => {
    const auth = { authorization: BASIC(TEST_API_KEY) };
    const data = readdirSync(join(dir, 'artifacts', 'runs', runId, 'report', 'data'));
    const png = data.find((name) => name.endsWith('.png'));
    expect(png).toBeDefined();
    const image = await get(`/api/runs/${runId}/report/data/${png}`, auth);
    expect([image.status, image.headers.get('content-type'), image.headers.get('content-security-policy')]).toEqual([
      200,
      'image/png',
      'sandbox',
    ]);
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    const part = await get(`/api/runs/${runId}/report/data/${png}`, { ...auth, range: 'bytes=0-7' });
    expect([part.status, Buffer.from(await part.arrayBuffer()).toString('latin1')]).toEqual([206, '\x89PNG\r\n\x1a\n']);
    const md = data.find((name) => name.endsWith('.md'));
    const context = await get(`/api/runs/${runId}/report/data/${md}`, auth);
    expect(context.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(context.headers.get('content-security-policy')).toBe('sandbox');
    const html = data.find((name) => name.endsWith('.html'));
    const page = await get(`/api/runs/${runId}/report/data/${html}`, auth);
    expect([page.status, page.headers.get('content-disposition'), page.headers.get('content-security-policy')]).toEqual(
      [200, `attachment; filename="${html}"`, 'sandbox'],
    );
    expect(await page.text()).toContain('pwned');
    expect((await get(`/api/runs/${runId}/report/data/${'ab'.repeat(20)}.txt`, auth)).status).toBe(404);
  });

  it('serves junit.xml as an XML download, and says when a run has no report', async () => {
    const auth = { authorization: BASIC(TEST_API_KEY) };
    const junit = await get(`/api/runs/${runId}/artifacts/junit.xml`, auth);
    expect([junit.status, junit.headers.get('content-type'), junit.headers.get('content-disposition')]).toEqual([
      200,
      'application/xml',
      'attachment; filename="junit.xml"',
    ]);
    expect(junit.headers.get('x-content-type-options')).toBe('nosniff');
    const xml = await junit.text();
    expect(xml).toContain('shows the cart total');
    expect(xml).not.toContain(SECRET);
    const none = await get(`/api/runs/${stepRunId}/report/`, auth);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { message: string }).message).toContain('has no HTML report');
  });
});
