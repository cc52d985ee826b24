import { randomUUID } from 'node:crypto';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { connectEvents } from './helpers/live-clients';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

const NUL = '\u0000';
const LONE = '\ud800';
const steps = [{ action: 'goto', url: 'https://example.com/' }];

/**
 * Text PostgreSQL cannot store (a NUL, a lone surrogate) is a 400 naming the field on
 * every door, REST, GraphQL and socket.io, never a 500 from the database. A real API
 * against the real database; no worker is needed (nothing may get that far).
 */
describe('text PostgreSQL cannot store', () => {
  let api: AppProcess;
  let base = '';

  const request = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': TEST_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await request('/graphql', { query, variables });
    return {
      status: res.status,
      ...((await res.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> }),
    };
  };

  beforeAll(async () => {
    const port = await freePort();
    api = new AppProcess({ env: { ...baseEnv(), APP_PORT: String(port) } });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    [
      'a run step selector',
      '/api/runs',
      { name: 'r', steps: [...steps, { action: 'click', selector: '#ok' }, { action: 'click', selector: `#a${NUL}` }] },
      'steps[2].selector contains a NUL character',
    ],
    ['a run name', '/api/runs', { name: `r${LONE}`, steps }, 'name contains a lone surrogate (\\ud800)'],
    [
      'a user name',
      '/api/users',
      { name: `Ada${NUL}`, email: `ada-${randomUUID()}@example.com` },
      'name contains a NUL character',
    ],
    ['a user email', '/api/users', { name: 'Ada', email: `ada${LONE}@example.com` }, 'email contains a lone surrogate'],
    [
      'an email subject',
      '/api/emails',
      { to: ['qa@example.com'], subject: `hi${NUL}`, text: 'body' },
      'subject contains a NUL character',
    ],
    [
      'a key nested in email variables',
      '/api/emails',
      { to: ['qa@example.com'], template: 'welcome', variables: { user: { [`na${NUL}me`]: 'Ada' } } },
      'a key of variables.user ("na\\u0000me") contains a NUL character',
    ],
    ['a scrape URL', '/api/scrapes', { url: `https://example.com/${NUL}` }, 'url contains a NUL character'],
    [
      'a schedule name',
      '/api/schedules',
      { name: `nightly${NUL}`, cron: '0 3 * * *', run: { name: 'r', steps } },
      'name contains a NUL character',
    ],
    [
      'a suite test name',
      '/api/suites',
      {
        name: 's',
        tests: [
          { name: 'ok', steps },
          { name: `t${NUL}`, steps },
        ],
      },
      'tests[1].name contains a NUL character',
    ],
    [
      'a suite webhook URL',
      '/api/suites',
      { name: 's', tests: [{ name: 'ok', steps }], webhookUrl: `https://example.com/${LONE}` },
      'webhookUrl contains a lone surrogate',
    ],
  ])('REST: %s is a 400 naming the field', async (_what, path, body, message) => {
    const res = await request(path, body);
    const answer = await json(res);
    expect([res.status, answer.message]).toEqual([400, expect.arrayContaining([expect.stringContaining(message)])]);
  });

  it.each([
    ['a status filter', '/api/runs?status=%00', 'query.status contains a NUL character'],
    ['a cursor', '/api/suites?cursor=abc%00', 'query.cursor contains a NUL character'],
    ['a run id', '/api/runs/%00', 'params.id contains a NUL character'],
    [
      'a dead letter id',
      `/api/dead-letters/${randomUUID().slice(0, 8)}%00/replay`,
      'params.id contains a NUL character',
    ],
  ])('REST: %s in the URL is a 400 naming it', async (_what, path, message) => {
    const res = await request(path, undefined, path.endsWith('/replay') ? 'POST' : 'GET');
    expect([res.status, (await json(res)).message]).toEqual([400, [expect.stringContaining(message)]]);
  });

  it('REST: ordinary text (accents, emoji, tabs) is stored as given', async () => {
    const name = 'Zoë 😀\tQA';
    const res = await request('/api/users', { name, email: `zoe-${randomUUID()}@example.com` });
    expect([res.status, (await json(res)).name]).toEqual([201, name]);
  });

  it('GraphQL: a NUL in an inline literal is a 400 naming the argument path', async () => {
    const { status, errors } = await graphql(
      `mutation { createUser(input: { name: "Ada\\u0000", email: "ada-${randomUUID()}@example.com" }) { id } }`,
    );
    expect(status).toBe(400);
    expect(errors?.[0]).toMatchObject({
      message: expect.stringContaining('createUser(input).name contains a NUL character'),
      extensions: { status: 400 },
    });
  });

  it('GraphQL: text in variables, nested JSON keys included, is a 400 naming the variable path', async () => {
    const run = await graphql(
      `
        mutation ($input: TriggerRunInput!) {
          triggerRun(input: $input) {
            id
          }
        }
      `,
      {
        input: {
          name: 'r',
          steps: [
            { action: 'goto', url: 'https://example.com/' },
            { action: 'click', selector: `#${LONE}` },
          ],
        },
      },
    );
    expect([run.status, run.errors?.[0]?.message]).toEqual([
      400,
      expect.stringContaining('$input.steps[1].selector contains a lone surrogate'),
    ]);
    const email = await graphql(
      `
        mutation ($input: SendEmailInput!) {
          sendEmail(input: $input) {
            id
          }
        }
      `,
      {
        input: { to: ['qa@example.com'], template: 'welcome', variables: { [`k${NUL}`]: 'v' } },
      },
    );
    expect([email.status, email.errors?.[0]?.message]).toEqual([
      400,
      expect.stringContaining('a key of $input.variables ("k\\u0000") contains a NUL character'),
    ]);
  });

  it('GraphQL over GET: a variable in the query string is checked too', async () => {
    const query = encodeURIComponent('query ($c: String) { runs(cursor: $c) { items { id } } }');
    const variables = encodeURIComponent(JSON.stringify({ c: `x${NUL}` }));
    const res = await request(`/graphql?query=${query}&variables=${variables}`);
    const body = (await res.json()) as { errors?: Array<{ message: string }> };
    expect([res.status, body.errors?.[0]?.message]).toEqual([
      400,
      expect.stringContaining('$c contains a NUL character'),
    ]);
  });

  it('socket.io: a payload with such text is refused in its ack, and the socket stays usable', async () => {
    const socket = await connectEvents(base);
    try {
      const ack = (payload: unknown) =>
        socket.timeout(5000).emitWithAck('subscribe', payload) as Promise<{
          ok: boolean;
          error?: { status: number; message: string };
        }>;
      expect(await ack({ runId: randomUUID(), [`x${NUL}`]: 1 })).toEqual({
        ok: false,
        error: {
          status: 400,
          message: expect.stringContaining('a key of the body ("x\\u0000") contains a NUL character'),
        },
      });
      expect(await ack({ runId: `${LONE}` })).toEqual({
        ok: false,
        error: { status: 400, message: expect.stringContaining('runId contains a lone surrogate') },
      });
      // Refused, not disconnected: the next good payload is handled as usual (here: no such run).
      expect(await ack({ runId: randomUUID() })).toMatchObject({ ok: false, error: { status: 404 } });
    } finally {
      socket.close();
    }
  });

  it('no request above was a server fault', () => {
    const errors = api.logLines().filter((line) => (line.level as number) >= 50);
    expect(errors).toEqual([]);
  });
});
