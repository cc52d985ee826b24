import { randomUUID } from 'node:crypto';
import { mintEventToken } from '../src/auth/event-token';
import { DEFAULT_PROJECT_ID } from '../src/projects/default-project';
import { hashApiKey } from '../src/projects/key-material';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { readSse } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

/**
 * A browser's EventSource cannot send a header: it opens an SSE route with a short-lived
 * event token in ?token=. Here the client is plain fetch streaming with no header at all,
 * as EventSource does it.
 */
describe('SSE event tokens', () => {
  let api: AppProcess;
  let base: string;
  let runId: string;

  const request = (path: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': TEST_API_KEY }) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const tokenFor = async (body: Record<string, string>) => {
    const res = await request('/api/events/tokens', body);
    expect(res.status).toBe(201);
    return (await json(res)) as { token: string; expiresAt: string };
  };
  /** Opens the stream with no header, as EventSource would, and reads its status and message. */
  const openWithoutHeaders = async (path: string) => {
    const sse = await readSse(`${base}${path}`, {});
    sse.close();
    return { status: sse.status, message: sse.body ? (JSON.parse(sse.body) as { message: string }).message : '' };
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The run's page is never visited (no worker), but its address must pass the SSRF check.
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }) });
    await api.waitHealthy(`${base}/api/health`, 60000);
    // Only an API: the run stays queued, and its stream shows that state first.
    const created = await request('/api/runs', {
      name: 'followed from a browser',
      steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }],
    });
    expect(created.status).toBe(201);
    runId = ((await json(created)) as { id: string }).id;
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('opens the stream of the run it was asked for, with no header', async () => {
    const { token, expiresAt } = await tokenFor({ runId });
    const lifetime = new Date(expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(60_000);
    const sse = await readSse(`${base}/api/runs/${runId}/events?token=${encodeURIComponent(token)}`, {});
    try {
      expect([sse.status, sse.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
      const events = await pollUntil(
        async () => sse.events,
        (e) => e.length > 0,
        15000,
        'the first event',
      );
      expect(events[0]).toMatchObject({ event: 'run.updated', data: { id: runId, status: 'queued' } });
    } finally {
      sse.close();
    }
  });

  it('is refused without a token, with the API key in the URL, or with a token for something else', async () => {
    const path = `/api/runs/${runId}/events`;
    expect(await openWithoutHeaders(path)).toEqual({
      status: 401,
      message: expect.stringMatching(/API key or an event token is required/),
    });
    expect(await openWithoutHeaders(`${path}?token=${TEST_API_KEY}`)).toEqual({
      status: 401,
      message: expect.stringMatching(/never accepted in a URL/),
    });
    const otherRun = await tokenFor({ runId: randomUUID() });
    expect((await openWithoutHeaders(`${path}?token=${otherRun.token}`)).status).toBe(401);
    // Same id, another kind of stream: a suite token does not open a run's events, nor the reverse.
    const suiteToken = await tokenFor({ suiteId: runId });
    expect((await openWithoutHeaders(`${path}?token=${suiteToken.token}`)).status).toBe(401);
    const runToken = await tokenFor({ runId });
    expect((await openWithoutHeaders(`/api/suites/${runId}/events?token=${runToken.token}`)).status).toBe(401);
    expect((await openWithoutHeaders(`/api/scrapes/${runId}/events?token=${runToken.token}`)).status).toBe(401);
    expect((await openWithoutHeaders(`${path}?token=not-a-token`)).status).toBe(401);
  });

  it('is refused once expired, and opens nothing but its stream', async () => {
    // Signed with the API's own key, as the API would have signed it two minutes ago.
    const expired = mintEventToken(
      hashApiKey(TEST_API_KEY),
      'env',
      { project: DEFAULT_PROJECT_ID, kind: 'run', id: runId },
      Date.now() - 120_000,
    );
    expect(await openWithoutHeaders(`/api/runs/${runId}/events?token=${expired.token}`)).toEqual({
      status: 401,
      message: expect.stringMatching(/expired/),
    });
    const { token } = await tokenFor({ runId });
    // Not a key: no other route takes it, in the URL or as a key.
    expect((await fetch(`${base}/api/runs/${runId}?token=${token}`)).status).toBe(401);
    expect((await fetch(`${base}/api/runs/${runId}`, { headers: { 'x-api-key': token } })).status).toBe(401);
    expect((await request('/api/events/tokens', { runId }, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('is minted only with the API key, and names what is wrong in the request', async () => {
    expect((await request('/api/events/tokens', { runId }, {})).status).toBe(401);
    for (const [body, problem] of [
      [{}, /exactly one of runId, scrapeId, suiteId or scheduleId/],
      [{ runId, suiteId: runId }, /exactly one/],
      [{ runId: 'x' }, /runId must be a UUID/],
      [{ run: runId }, /run is not a field/],
      [[runId], /JSON object/],
    ] as const) {
      const res = await request('/api/events/tokens', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await json(res))).toMatch(problem);
    }
  });
});
