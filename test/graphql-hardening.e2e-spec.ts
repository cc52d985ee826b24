import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  GraphQLSchema,
  IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { io, Socket } from 'socket.io-client';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

/**
 * GraphQL, graphql-ws and socket.io under hostile input, against a production-mode API:
 * every door needs the key, one request cannot take the API down, and a client's
 * mistake is a 4xx with the real message, never a 500.
 */
describe('GraphQL and live sockets under hostile input', () => {
  let api: AppProcess;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    api = new AppProcess({
      env: baseEnv({ NODE_ENV: 'production', APP_PORT: String(port), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }),
    });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`, 90_000);
  });

  afterAll(async () => {
    await api?.stop();
  });

  const post = (body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json', ...headers },
      body,
    });
  const gql = (query: string, variables?: Record<string, unknown>) => post(JSON.stringify({ query, variables }));
  const answer = async (res: Response) => ({
    status: res.status,
    body: (await res.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  });
  /**
   * A body over the limit, sent chunked (no Content-Length), as the server may refuse it before
   * it has all of it: the answer counts, not the rest of the upload. (A too-large body announced
   * by Content-Length is the REST body-limit item's, which covers every route.)
   */
  const postLarge = (body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(
        `${base}/graphql`,
        {
          method: 'POST',
          headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          answered = true;
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      const send = async () => {
        for (let at = 0; at < body.length && !answered; at += 64 * 1024) {
          if (!req.write(body.slice(at, at + 64 * 1024))) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      };
      void send();
    });
  const messages = (body: { errors?: Array<{ message: string }> }) =>
    (body.errors ?? []).map((e) => e.message).join(' | ');

  describe('the key, on everything at /graphql', () => {
    it.each([
      ['__typename', '{ __typename }'],
      ['introspection', '{ __schema { queryType { name } } }'],
      ['a query', '{ runs { nextCursor } }'],
    ])('refuses %s without a key (401) and answers it with one', async (_name, query) => {
      const without = await answer(
        await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        }),
      );
      expect(without.status).toBe(401);
      expect(messages(without.body)).toMatch(/API key is required/);
      const wrong = await post(JSON.stringify({ query }), { 'x-api-key': 'not-a-key' });
      expect(wrong.status).toBe(401);
      expect((await gql(query)).status).toBe(200);
    });

    it('refuses GET without a key, and a malformed body without a key is still a 401', async () => {
      expect((await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`)).status).toBe(401);
      expect(
        (
          await fetch(`${base}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{nope',
          })
        ).status,
      ).toBe(401);
    });

    it('does not take an Upgrade header on a plain request for a websocket (whose key comes later)', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          `${base}/graphql?query=${encodeURIComponent('{ __schema { queryType { name } } }')}`,
          { headers: { upgrade: 'websocket' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(401);
    });

    it('serves no GraphiQL in production', async () => {
      expect((await fetch(`${base}/graphiql`)).status).toBe(404);
    });
  });

  describe('limits, refused before anything runs', () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: runs(limit: 100) { items { id name status } }`).join(' ')} }`;

    it('refuses a thousand aliased runs(limit: 100), five at once, and health stays 200', async () => {
      const query = aliases(1000);
      const refusals = await Promise.all(Array.from({ length: 5 }, () => gql(query).then(answer)));
      const health = await fetch(`${base}/api/health`);
      for (const { status, body } of refusals) {
        expect(status).toBe(400);
        expect(messages(body)).toMatch(/limit/);
      }
      expect(health.status).toBe(200);
    });

    it.each([
      ['aliases', aliases(21), /alias limit/],
      ['depth', '{ a { b { c { d { e { f { g { h { i { j } } } } } } } } } }', /depth limit is 8/],
      [
        'cost',
        '{ runs(limit: 100) { items { id steps { index action target status durationMs error } } } }',
        /cost limit is 10000/,
      ],
      ['repeated fields', `{ runs { items { ${'id '.repeat(600)} } } }`, /field limit/],
      ['tokens', `{ ${'a '.repeat(2100)} }`, /more that 2000 tokens/],
      ['query length', `{ __typename }${' '.repeat(20_000)}`, /characters long/],
    ])('refuses %s with a 400 naming the limit', async (_name, query, message) => {
      const { status, body } = await answer(await gql(query));
      expect(status).toBe(400);
      expect(messages(body)).toMatch(message);
    });

    it('answers a batch within the cap and refuses one over it', async () => {
      const ok = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ runs { nextCursor } }' }]));
      expect(ok.status).toBe(200);
      // Other files' runs share the database: the cursor is whatever the list has.
      const [first, second] = (await ok.json()) as [unknown, { data: { runs: { nextCursor: string | null } } }];
      expect(first).toEqual({ data: { __typename: 'Query' } });
      expect(Object.keys(second.data.runs)).toEqual(['nextCursor']);
      const over = await answer(
        await post(JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ __typename }' })))),
      );
      expect(over.status).toBe(400);
      expect(messages(over.body)).toMatch(/batch limit is 10/);
    });

    it('keeps each list field paginated (a limit over its maximum is a 400)', async () => {
      const { status, body } = await answer(await gql('{ runs(limit: 101) { nextCursor } }'));
      expect(status).toBe(400);
      expect(messages(body)).toMatch(/limit must be a whole number from 1 to 100/);
    });
  });

  describe('client mistakes are 4xx with the real message (GraphQL over HTTP)', () => {
    it.each([
      ['a syntax error', JSON.stringify({ query: '{ runs {' }), 400, /Syntax Error/],
      ['an unknown field', JSON.stringify({ query: '{ nope }' }), 400, /Cannot query field "nope"/],
      [
        'a wrong argument type',
        JSON.stringify({ query: '{ runs(limit: "ten") { nextCursor } }' }),
        400,
        /Int cannot represent/,
      ],
      [
        'a wrong variable type',
        JSON.stringify({ query: 'query ($n: Int) { runs(limit: $n) { nextCursor } }', variables: { n: 'ten' } }),
        400,
        /Variable "\$n"/,
      ],
      ['an empty body', '', 400, /empty/i],
      ['a body that is not JSON', '{"query": ', 400, /JSON/],
      ['{}', '{}', 400, /query is required/],
      ['a query that is not a string', JSON.stringify({ query: 42 }), 400, /GraphQL document as text/],
      [
        'a query that is an AST in JSON',
        JSON.stringify({ query: JSON.stringify({ kind: 'Document', definitions: [{}] }) }),
        400,
        /GraphQL document as text/,
      ],
      // Found by the fuzz suite: Mercurius took JSON `null` for an AST and answered 500.
      ['a query that is JSON null', JSON.stringify({ query: 'null' }), 400, /GraphQL document as text/],
      ['an empty batch', '[]', 400, /at least one operation/],
    ])('%s → %s', async (_name, body, status, message) => {
      const res = await answer(await post(body));
      expect(res.status).toBe(status);
      expect(messages(res.body)).toMatch(message);
    });

    it('answers 4xx for application/graphql-response+json too', async () => {
      const res = await post(JSON.stringify({ query: '{ nope }' }), { accept: 'application/graphql-response+json' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    });

    it('refuses a body that is not JSON (415, naming the content type to send) and one over the size limit (413)', async () => {
      const text = await answer(await post('{ __typename }', { 'content-type': 'text/plain' }));
      expect(text.status).toBe(415);
      // Refused by the body parser before GraphQL: the API's one error shape.
      expect(JSON.stringify(text.body)).toMatch(/send content-type: application\/json/);
      const big = await postLarge(
        JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
      );
      expect(big.status).toBe(413);
      expect(big.body).toMatch(/too large/i);
    });

    it('refuses a mutation over GET with 405 and Allow: POST, and runs a query over GET', async () => {
      const mutation = await fetch(
        `${base}/graphql?query=${encodeURIComponent('mutation { cancelRun(id: "00000000-0000-4000-8000-000000000000") { id } }')}`,
        { headers: { 'x-api-key': TEST_API_KEY } },
      );
      expect(mutation.status).toBe(405);
      expect(mutation.headers.get('allow')).toBe('POST');
      const query = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'x-api-key': TEST_API_KEY },
      });
      expect(query.status).toBe(200);
    });

    it.each(['false', '1', '"x"', '[1]', '{'])(
      'refuses GET variables=%s that are not a JSON object (400)',
      async (variables) => {
        const res = await fetch(`${base}/graphql?${new URLSearchParams({ query: '{ __typename }', variables })}`, {
          headers: { 'x-api-key': TEST_API_KEY },
        });
        const body = await answer(res);
        expect(body.status).toBe(400);
        expect(messages(body.body)).toMatch(/variables must be a JSON object/);
      },
    );

    it('logged none of these as a server error', () => {
      expect(api.output).not.toMatch(/"level":(50|60)/);
      expect(api.output).not.toMatch(/Internal server error/);
    });
  });

  describe('the schema, as other tools read it', () => {
    let introspection: IntrospectionQuery;
    let schema: GraphQLSchema;

    beforeAll(async () => {
      const res = await gql(
        getIntrospectionQuery({
          descriptions: true,
          inputValueDeprecation: true,
          directiveIsRepeatable: true,
          specifiedByUrl: true,
        }),
      );
      introspection = ((await res.json()) as { data: IntrospectionQuery }).data;
      schema = buildClientSchema(introspection);
    });

    it('describes every type, field, argument, input field and enum value', () => {
      const missing: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
        if (!type.description) missing.push(type.name);
        if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
          for (const field of Object.values(type.getFields())) {
            if (!field.description) missing.push(`${type.name}.${field.name}`);
            for (const arg of 'args' in field ? field.args : [])
              if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
        if (isEnumType(type))
          for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
      expect(missing).toEqual([]);
    });

    it('declares the built-in directives as the spec does, so its SDL loads anywhere', () => {
      const deprecated = introspection.__schema.directives.find((d) => d.name === 'deprecated');
      expect([...(deprecated?.locations ?? [])].sort()).toEqual([
        'ARGUMENT_DEFINITION',
        'ENUM_VALUE',
        'FIELD_DEFINITION',
        'INPUT_FIELD_DEFINITION',
      ]);
      const sdl = printSchema(schema);
      expect(sdl).not.toMatch(/^directive @(deprecated|skip|include|specifiedBy|oneOf)\b/m);
      expect(() => buildSchema(sdl)).not.toThrow();
    });

    it('keeps the enum values of the contract', () => {
      const values = (name: string) => {
        const type = schema.getType(name);
        return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
      };
      expect(values('RunStatus')).toEqual(
        expect.arrayContaining(['queued', 'running', 'passed', 'failed', 'error', 'cancelled', 'timed_out']),
      );
      expect(values('ScrapeStatus')).toEqual(
        expect.arrayContaining(['queued', 'running', 'completed', 'failed', 'cancelled', 'timed_out']),
      );
    });

    it('answers the queues query with the counts of detailed health', async () => {
      const { status, body } = await answer(
        await gql('{ queues { name waiting active completed failed delayed workers } }'),
      );
      expect(status).toBe(200);
      const queues = (body.data as { queues: Array<Record<string, unknown>> }).queues;
      const health = (await (
        await fetch(`${base}/api/health/detailed`, { headers: { 'x-api-key': TEST_API_KEY } })
      ).json()) as { info: { queues: { queues: Array<{ name: string }> } } };
      expect(queues.map((q) => q.name).sort()).toEqual(health.info.queues.queues.map((q) => q.name).sort());
      expect(queues[0]).toEqual({
        name: expect.any(String),
        waiting: expect.any(Number),
        active: expect.any(Number),
        completed: expect.any(Number),
        failed: expect.any(Number),
        delayed: expect.any(Number),
        workers: 0,
      });
    });
  });

  describe('graphql-ws', () => {
    const wsClient = (connectionParams: Record<string, unknown>) =>
      createClient({
        url: `${base.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
    /** Subscribes; resolves with the first result, or rejects with what the client reports (a close event or errors). */
    const firstResult = (client: ReturnType<typeof wsClient>, query: string, variables: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query, variables },
          { next: resolve, error: reject, complete: () => reject(new Error('completed without a result')) },
        );
      });
    const RUN_STATUS = 'subscription ($id: ID!) { runUpdated(id: $id) { event runId run { id status } } }';
    const newRun = async () => {
      const res = await gql(
        'mutation { triggerRun(input: { name: "ws", steps: [{ action: "goto", url: "http://127.0.0.1:9/" }] }) { id } }',
      );
      return ((await res.json()) as { data: { triggerRun: { id: string } } }).data.triggerRun.id;
    };

    it.each([
      ['a wrong key', { 'x-api-key': 'not-a-key' }],
      ['no key', {}],
    ])('closes a connection with %s with 4403 Forbidden', async (_name, params) => {
      const client = wsClient(params);
      const closed = await firstResult(client, RUN_STATUS, { id: '00000000-0000-4000-8000-000000000000' }).catch(
        (e: unknown) => e,
      );
      await client.dispose();
      expect(closed).toMatchObject({ code: 4403 });
    });

    it('subscribes with a good key, and refuses an invalid subscription and one over the per-connection cap', async () => {
      const id = await newRun();
      const client = wsClient({ 'x-api-key': TEST_API_KEY });
      try {
        await expect(firstResult(client, RUN_STATUS, { id })).resolves.toMatchObject({
          data: { runUpdated: { runId: id, run: { id } } },
        });
        await expect(firstResult(client, 'subscription { nope }')).rejects.toEqual([
          expect.objectContaining({ message: expect.stringMatching(/Cannot query field "nope"/) }),
        ]);
        // Twenty stay live (the first resolved, but its subscription continues until the run ends).
        const live = Array.from({ length: 20 }, () => firstResult(client, RUN_STATUS, { id }).catch((e: unknown) => e));
        const results = await Promise.all(live);
        const refused = results.filter((r) => Array.isArray(r));
        expect(refused.length).toBeGreaterThan(0);
        expect(JSON.stringify(refused[0])).toMatch(/20 subscriptions, the limit/);
      } finally {
        await client.dispose();
      }
    });
  });

  describe('socket.io', () => {
    const connect = (namespace: string, auth: Record<string, unknown>) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = io(`${base}${namespace}`, {
          transports: ['websocket'],
          auth,
          reconnection: false,
          forceNew: true,
        });
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', (error) => {
          socket.close();
          reject(error);
        });
      });

    it('refuses the default namespace with or without a key, and /events without one', async () => {
      await expect(connect('/', { token: TEST_API_KEY })).rejects.toThrow(/Nothing is served on namespace/);
      await expect(connect('/', {})).rejects.toThrow(/Nothing is served on namespace/);
      await expect(connect('/events', {})).rejects.toThrow(/API key is required/);
      await expect(connect('/other', { token: TEST_API_KEY })).rejects.toThrow(/Invalid namespace/);
      const ok = await connect('/events', { token: TEST_API_KEY });
      ok.close();
    });

    it('answers subscribe calls past the rate with 429, then disconnects a client that keeps going', async () => {
      const socket = await connect('/events', { token: TEST_API_KEY });
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      const acks = await Promise.all(
        Array.from({ length: 45 }, () =>
          socket
            .timeout(5000)
            .emitWithAck('subscribe', { runId: 'not-a-uuid' })
            .catch(() => 'no ack'),
        ),
      );
      const statuses = acks.map((a) =>
        typeof a === 'object' && a ? (a as { error?: { status: number } }).error?.status : a,
      );
      expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
      expect(statuses.slice(20, 40).every((s) => s === 429)).toBe(true);
      expect(statuses[40]).toBe(429);
      expect(await disconnected).toBe('io server disconnect');
    });
  });
});
