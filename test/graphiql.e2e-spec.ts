import type { Browser } from 'playwright-core';
import { AppProcess } from './helpers/app-process';
import { launchChromium } from './helpers/chromium';
import { freePort } from './helpers/free-port';
import { BOARD_PASSWORD, BOARD_USER, baseEnv } from './helpers/test-env';

/** GraphiQL outside production: the whole page comes from the app, with no third-party origin asked. */
describe('GraphiQL', () => {
  let api: AppProcess;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    api = new AppProcess({ env: baseEnv({ NODE_ENV: 'development', APP_PORT: String(port) }) });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`, 90_000);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('renders the editor in Chromium with every request to another origin refused, and none is attempted', async () => {
    // The dashboard door may ask for the board's basic auth on /graphiql; it is given, and unused if not asked.
    const context = await browser.newContext({ httpCredentials: { username: BOARD_USER, password: BOARD_PASSWORD } });
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`${base}/graphiql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it('serves only its own assets, behind the dashboard sign-in', async () => {
    const signedIn = { authorization: `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}` };
    expect((await fetch(`${base}/graphiql/assets/graphiql.css`, { headers: signedIn })).status).toBe(200);
    expect((await fetch(`${base}/graphiql/assets/graphiql.css`)).status).toBe(401);
    expect((await fetch(`${base}/graphiql/assets/..%2Fpackage.json`, { headers: signedIn })).status).toBe(404);
  });
});
