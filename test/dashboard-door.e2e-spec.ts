import fc from 'fast-check';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { rawRequest, RawResponse } from './helpers/raw-http';
import { baseEnv, BOARD_PASSWORD, BOARD_USER, TEST_API_KEY } from './helpers/test-env';

const QUEUES = ['test-runs', 'scrapes', 'emails'];
const BASIC = `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}`;

/** Requests behind the dashboard door, and what each one does when it is let in. */
const DOOR_TARGETS: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/api/queues' },
  { method: 'GET', path: '/api/queues/' },
  { method: 'GET', path: '/api/queues/api/queues' },
  { method: 'PUT', path: '/api/queues/api/queues/pause' },
  ...QUEUES.map((queue) => ({ method: 'PUT', path: `/api/queues/api/queues/${queue}/pause` })),
  { method: 'GET', path: '/api/docs' },
  { method: 'GET', path: '/api/docs/json' },
  { method: 'GET', path: '/api/docs/yaml' },
  { method: 'GET', path: '/graphiql' },
  { method: 'GET', path: '/graphiql/main.js' },
];
/** Nest routes: their guard runs on the routed handler, whatever the spelling. */
const NEST_TARGETS = [
  { method: 'GET', path: '/api/runs' },
  { method: 'GET', path: '/api/suites' },
  { method: 'GET', path: '/api/dead-letters' },
  // Routes that also take HTTP Basic auth (an API key as the password): never without it.
  { method: 'GET', path: '/api/runs/8f14e45f-ceea-467f-a0e6-000000000000/report/' },
  { method: 'GET', path: '/api/runs/8f14e45f-ceea-467f-a0e6-000000000000/report/trace/index.html' },
  { method: 'GET', path: '/api/runs/8f14e45f-ceea-467f-a0e6-000000000000/artifacts/junit.xml' },
];

/** Content that only a dashboard, the OpenAPI document or a queue listing would send. */
const LEAKS = [/<html/i, /<!doctype/i, /swagger/i, /"openapi"/, /openapi:/, /"queues"\s*:/, /graphiql\.(css|js)/i];

const hex = (char: string, upper: boolean) => {
  const code = char.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? code.toUpperCase() : code}`;
};

/** Ways to spell a path that a router, a proxy or a URL parser may read as the same path. */
type Spelling = (path: string) => string;
const spellings: Record<string, fc.Arbitrary<Spelling>> = {
  encodeLetter: fc.tuple(fc.nat(), fc.boolean()).map(([n, upper]) => (path: string) => {
    const letters = [...path].flatMap((c, i) => (/[a-z]/i.test(c) ? [i] : []));
    if (letters.length === 0) return path;
    const i = letters[n % letters.length];
    return path.slice(0, i) + hex(path[i], upper) + path.slice(i + 1);
  }),
  encodeSlash: fc.tuple(fc.nat(), fc.boolean()).map(([n, upper]) => (path: string) => {
    const slashes = [...path].flatMap((c, i) => (c === '/' && i > 0 ? [i] : []));
    if (slashes.length === 0) return path;
    const i = slashes[n % slashes.length];
    return `${path.slice(0, i)}${upper ? '%2F' : '%2f'}${path.slice(i + 1)}`;
  }),
  doubleSlash: fc.nat().map((n) => (path: string) => {
    const slashes = [...path].flatMap((c, i) => (c === '/' ? [i] : []));
    const i = slashes[n % slashes.length];
    return `${path.slice(0, i)}/${path.slice(i)}`;
  }),
  dotSegment: fc
    .tuple(fc.nat(), fc.constantFrom('./', 'x/../', '%2e/', '.%2e/x/', 'api/../'))
    .map(([n, segment]) => (path: string) => {
      const slashes = [...path].flatMap((c, i) => (c === '/' ? [i] : []));
      const i = slashes[n % slashes.length] + 1;
      return path.slice(0, i) + segment + path.slice(i);
    }),
  doubleEncodeLetter: fc.nat().map((n) => (path: string) => {
    const letters = [...path].flatMap((c, i) => (/[a-z]/i.test(c) ? [i] : []));
    if (letters.length === 0) return path;
    const i = letters[n % letters.length];
    return `${path.slice(0, i)}%25${hex(path[i], false).slice(1)}${path.slice(i + 1)}`;
  }),
  backslash: fc.nat().map((n) => (path: string) => {
    const slashes = [...path].flatMap((c, i) => (c === '/' && i > 0 ? [i] : []));
    if (slashes.length === 0) return path;
    const i = slashes[n % slashes.length];
    return `${path.slice(0, i)}${n % 2 ? '\\' : '%5C'}${path.slice(i + 1)}`;
  }),
  upperCase: fc.constant((path: string) => path.toUpperCase()),
  trailing: fc
    .constantFrom('/', '#x', '?x=1', '#/../x', '%00', ';x', '%20')
    .map((suffix) => (path: string) => path + suffix),
};
const spellingChain = fc.array(fc.oneof(...Object.values(spellings)), { maxLength: 4 });
const requestForm = fc.constantFrom('origin', 'absolute', 'absolute-upper-scheme');
const methodFor = (method: string) =>
  method === 'GET' ? fc.constantFrom('GET', 'HEAD', 'OPTIONS') : fc.constantFrom(method, 'POST', 'OPTIONS');

/**
 * The dashboard door (Bull Board, the OpenAPI pages, GraphiQL) and the API-key guard, asked
 * with every spelling of their paths a hostile client could put on the request line, over
 * raw sockets so that nothing normalises the path on the way.
 */
describe('The dashboard door under hostile spellings', () => {
  let api: AppProcess;
  let port: number;
  let base: string;

  const target = (form: string, path: string) =>
    form === 'origin' ? path : `${form === 'absolute' ? 'http' : 'HTTP'}://127.0.0.1:${port}${path}`;

  const boardQueues = async () => {
    const res = await fetch(`${base}/api/queues/api/queues`, { headers: { authorization: BASIC } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { queues: Array<{ name: string; isPaused: boolean }> }).queues;
  };

  const expectRefused = (res: RawResponse, what: string) => {
    if (res.status < 400)
      throw new Error(`${what} answered ${res.status} without credentials:\n${res.body.slice(0, 300)}`);
    for (const leak of LEAKS)
      if (leak.test(res.body)) throw new Error(`${what} leaked ${leak}:\n${res.body.slice(0, 300)}`);
  };

  beforeAll(async () => {
    port = await freePort();
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port) }) });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`, 60000);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('refuses the spellings that reached the dashboards before (percent-encoded letters, GraphiQL)', async () => {
    for (const path of [
      '/api/qu%65ues',
      '/api/%71ueues/api/queues',
      '/api/d%6fcs',
      '/api/d%6Fcs/json',
      '/graphiql',
      '/gr%61phiql',
    ]) {
      expectRefused(await rawRequest(port, 'GET', path), `GET ${path}`);
    }
    for (const queue of QUEUES) {
      const path = `/api/qu%65ues/api/queues/${queue}/pause`;
      expectRefused(await rawRequest(port, 'PUT', path), `PUT ${path}`);
    }
    expect((await boardQueues()).filter((q) => q.isPaused)).toEqual([]);
  });

  it('refuses every generated spelling, method and request form without credentials, and no queue is paused', async () => {
    const targets = fc
      .constantFrom(...DOOR_TARGETS, ...NEST_TARGETS)
      .chain((t) => fc.record({ method: methodFor(t.method), path: fc.constant(t.path) }));
    await fc.assert(
      fc.asyncProperty(targets, spellingChain, requestForm, async ({ method, path }, chain, form) => {
        const spelled = chain.reduce((p, spell) => spell(p), path);
        const res = await rawRequest(port, method, target(form, spelled));
        expectRefused(res, `${method} ${target(form, spelled)}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect((await boardQueues()).filter((q) => q.isPaused)).toEqual([]);
  });

  it('refuses wrong credentials on every door target, with the same spellings', async () => {
    const wrong = { authorization: `Basic ${Buffer.from(`${BOARD_USER}:wrong-password`).toString('base64')}` };
    for (const { method, path } of DOOR_TARGETS) {
      for (const spelled of [path, path.replace('e', '%65'), path.replace(/\/([^/]*)$/, '/./$1')]) {
        expectRefused(await rawRequest(port, method, spelled, wrong), `${method} ${spelled} with a wrong password`);
        expectRefused(
          await rawRequest(port, method, spelled, { 'x-api-key': 'not-a-key-0123456789' }),
          `${method} ${spelled} with a wrong key`,
        );
      }
    }
    expect((await boardQueues()).filter((q) => q.isPaused)).toEqual([]);
  });

  it('lets the right credentials in, whatever the spelling the router accepts', async () => {
    const credentials: Array<Record<string, string>> = [{ authorization: BASIC }, { 'x-api-key': TEST_API_KEY }];
    for (const auth of credentials) {
      for (const path of ['/api/queues', '/api/qu%65ues', '/api/docs/json', '/api/d%6fcs/json', '/graphiql']) {
        const res = await rawRequest(port, 'GET', path, auth);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    }
    const pause = await rawRequest(port, 'PUT', '/api/queues/api/queues/emails/pause', { authorization: BASIC });
    expect(pause.status).toBe(200);
    expect((await boardQueues()).find((q) => q.name === 'emails')?.isPaused).toBe(true);
    const resume = await rawRequest(port, 'PUT', '/api/queues/api/queues/emails/resume', { authorization: BASIC });
    expect(resume.status).toBe(200);
    expect((await boardQueues()).find((q) => q.name === 'emails')?.isPaused).toBe(false);
  });

  it('serves Nest routes only with a key, whatever the spelling', async () => {
    for (const path of [
      '/api/r%75ns',
      '/api/%72uns',
      '/api/runs/',
      '//api/runs',
      '/api/./runs',
      `http://127.0.0.1:PORT/api/r%75ns`,
    ]) {
      const spelled = path.replace('PORT', String(port));
      expectRefused(await rawRequest(port, 'GET', spelled), `GET ${spelled}`);
    }
    const withKey = await rawRequest(port, 'GET', '/api/r%75ns', { 'x-api-key': TEST_API_KEY });
    expect(withKey.status).toBe(200);
  });
});
