import type { Browser } from 'playwright-core';
import { AppProcess } from './helpers/app-process';
import { launchChromium } from './helpers/chromium';
import { freePort } from './helpers/free-port';
import { baseEnv, BOARD_PASSWORD, BOARD_USER } from './helpers/test-env';

/** Bull Board at /api/queues, seen by a real browser. */
describe('Bull Board', () => {
  let api: AppProcess;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port) }) });
    base = `http://127.0.0.1:${port}`;
    [browser] = await Promise.all([launchChromium(), api.waitHealthy(`${base}/api/health`)]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('asks for basic auth and refuses wrong credentials', async () => {
    const none = await fetch(`${base}/api/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await fetch(`${base}/api/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`${BOARD_USER}:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    // The board's own API is behind the same door.
    expect((await fetch(`${base}/api/queues/api/queues`)).status).toBe(401);
  });

  it('renders the three queues in Chromium with every asset loaded under /api/queues', async () => {
    const context = await browser.newContext({ httpCredentials: { username: BOARD_USER, password: BOARD_PASSWORD } });
    const page = await context.newPage();
    const failures: string[] = [];
    const assets: string[] = [];
    // Only our own origin counts: the board also asks a public font service, which this
    // closed network refuses and the page does without.
    const ours = (url: string) => url.startsWith(base);
    page.on('response', (res) => {
      if (!ours(res.url())) return;
      if (res.status() >= 400) failures.push(`${res.status()} ${res.url()}`);
      else assets.push(new URL(res.url()).pathname);
    });
    page.on('requestfailed', (req) => ours(req.url()) && failures.push(`failed ${req.url()}`));
    try {
      const res = await page.goto(`${base}/api/queues`);
      expect(res?.status()).toBe(200);
      for (const name of ['test-runs', 'scrapes', 'emails']) {
        await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15000 });
      }
      expect(failures).toEqual([]);
      expect(assets.some((p) => p.startsWith('/api/queues/static/') && p.endsWith('.js'))).toBe(true);
      expect(assets.every((p) => p.startsWith('/api/queues'))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
