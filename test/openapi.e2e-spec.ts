import { randomUUID } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { errorBody } from '../src/docs/error-body';
import { runCreatedBody, runDetailBody, runPageBody } from '../src/runs/run-responses';
import { secretBody, secretListBody } from '../src/secrets/secret-responses';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { typeCheckGeneratedClient } from './helpers/generated-client';
import { json } from './helpers/json';
import { examplesIn, schemaProblems } from './helpers/schema-check';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const UUID = '00000000-0000-4000-8000-000000000000';

/** The OpenAPI document as client generators and Swagger UI read it, checked against the running API. */
describe('OpenAPI document', () => {
  let api: AppProcess;
  let base: string;
  let doc: Json;
  const operations = () =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as Json })),
    );
  const request = (
    path: string,
    init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined && init.raw === undefined ? 'GET' : 'POST'),
      headers: {
        'x-api-key': TEST_API_KEY,
        ...(init.body === undefined && init.raw === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  /** What the example test created, cancelled afterwards so no queued row outlives this file. */
  const created: Array<{ path: string; id: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    // The examples target a site on this machine, as the README's do; the secret's needs SECRETS_KEY.
    api = new AppProcess({
      env: baseEnv({
        APP_PORT: String(port),
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        SECRETS_KEY: randomBytes(32).toString('base64'),
      }),
    });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
    doc = await json(await request('/api/docs/json'));
  });

  afterAll(async () => {
    // Secrets have no id: the example's and the one checked below, by name.
    for (const name of ['SHOP_PASSWORD', 'OPENAPI_DOCUMENTED'])
      await request(`/api/secrets/${name}`, { method: 'DELETE' });
    for (const { path, id } of created) {
      if (path === '/api/schedules' || path === '/api/alert-channels')
        await request(`${path}/${id}`, { method: 'DELETE' });
      else if (path !== '/api/emails' && path !== '/api/users')
        await request(`${path}/${id}/cancel`, { method: 'POST' });
    }
    await api?.stop();
  });

  it('describes the body of every success answer', () => {
    const missing = operations().flatMap(({ path, method, op }) =>
      Object.entries(op.responses as Json)
        .filter(
          ([status, response]) =>
            status.startsWith('2') &&
            status !== '204' &&
            !Object.values((response.content ?? {}) as Json).some((media) => media.schema),
        )
        .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
    );
    expect(missing).toEqual([]);
    expect(doc.paths['/api/runs/{id}/events'].get.responses['200'].content).toHaveProperty('text/event-stream');
    expect(doc.paths['/api/runs/{id}/artifacts/{name}'].get.responses['200'].content['application/zip'].schema).toEqual(
      { type: 'string', format: 'binary' },
    );
  });

  it('gives every error answer the one ErrorBody schema, and 429 and 503 a Retry-After header', () => {
    const wrong: string[] = [];
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400 || path.startsWith('/api/health')) continue;
        if (response.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBody')
          wrong.push(`${method} ${path} ${status}: no ErrorBody`);
        if ((status === '429' || status === '503') && !response.headers?.['Retry-After'])
          wrong.push(`${method} ${path} ${status}: no Retry-After`);
      }
    }
    expect(wrong).toEqual([]);
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    expect(codes('/api/runs/{id}/cancel', 'post')).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409', '503']),
    );
    expect(codes('/api/runs', 'get')).toEqual(expect.arrayContaining(['200', '400', '401', '503']));
    expect(codes('/api/runs', 'post')).toEqual(expect.arrayContaining(['201', '400', '401', '413', '429', '503']));
    expect(doc.components.schemas.ErrorBody.properties.message).toEqual(
      expect.objectContaining({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }),
    );
  });

  it('shows the public routes without a lock and every other route behind the key', () => {
    expect(doc.security).toEqual([{ bearer: [] }, { 'x-api-key': [] }]);
    for (const { path, method, op } of operations()) {
      // Health, and the dashboard's sign-in (it takes the key in its body, to make a session).
      if (path.startsWith('/api/health') || `${method} ${path}` === 'post /api/session')
        expect([path, op.security]).toEqual([path, []]);
      else expect([path, op.security, op.responses['401']?.description]).toEqual([path, undefined, expect.any(String)]);
    }
  });

  it('types every date as a string in date-time format', () => {
    const schedule = doc.components.schemas.Schedule.properties;
    for (const field of ['createdAt', 'updatedAt', 'lastTickAt', 'nextTickAt', 'pausedAt'])
      expect([field, schedule[field]]).toEqual([
        field,
        expect.objectContaining({ type: 'string', format: 'date-time' }),
      ]);
    const dates = Object.entries(doc.components.schemas as Json).flatMap(([name, schema]) =>
      Object.entries((schema.properties ?? {}) as Json)
        .filter(([field]) => field.endsWith('At'))
        .map(([field, property]) => [`${name}.${field}`, property.type, property.format]),
    );
    expect(dates.length).toBeGreaterThan(20);
    expect(dates.filter(([, type, format]) => type !== 'string' || format !== 'date-time')).toEqual([]);
  });

  it('generates a TypeScript client (openapi-typescript) that types a run, its steps and an error', () => {
    const usage = `
      import createClient from 'openapi-fetch';
      import type { paths } from './api';
      // Exact type equality: never, any or a missing field fails it.
      type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
      const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
      export async function use(): Promise<void> {
        const created = await client.POST('/api/runs', { body: { name: 'home', baseUrl: 'http://127.0.0.1:4000', steps: [{ action: 'goto', url: '/' }] } });
        if (created.data) {
          const id: Equals<typeof created.data.id, string> = true;
          const status: Equals<typeof created.data.status, 'queued' | 'running' | 'passed' | 'failed' | 'error' | 'cancelled' | 'timed_out'> = true;
          void [id, status];
        }
        if (created.error) {
          const message: Equals<typeof created.error.message, string | string[]> = true;
          const statusCode: Equals<typeof created.error.statusCode, number> = true;
          void [message, statusCode];
        }
        const run = await client.GET('/api/runs/{id}', { params: { path: { id: '${UUID}' } } });
        if (run.data) {
          const stepStatus: Equals<(typeof run.data.steps)[number]['status'], string> = true;
          const artifactUrl: Equals<(typeof run.data.artifacts)[number]['url'], string> = true;
          const finishedAt: Equals<typeof run.data.finishedAt, string | null> = true;
          void [stepStatus, artifactUrl, finishedAt];
        }
        if (run.error) {
          const message: Equals<typeof run.error.message, string | string[]> = true;
          void message;
        }
        const cancel = await client.POST('/api/runs/{id}/cancel', { params: { path: { id: '${UUID}' } } });
        if (cancel.error) {
          const message: Equals<typeof cancel.error.message, string | string[]> = true;
          void message;
        }
        const page = await client.GET('/api/runs', { params: { query: { status: 'failed', limit: 20 } } });
        if (page.data) {
          const next: Equals<typeof page.data.nextCursor, string | null> = true;
          const name: Equals<(typeof page.data.items)[number]['name'], string> = true;
          void [next, name];
        }
        const schedule = await client.GET('/api/schedules/{id}', { params: { path: { id: '${UUID}' } } });
        if (schedule.data) {
          const lastTickAt: Equals<typeof schedule.data.lastTickAt, string | null> = true;
          void lastTickAt;
        }
      }
    `;
    const { errors, generated } = typeCheckGeneratedClient(doc, usage);
    expect(generated).toContain('RunDetail');
    expect(errors).toBe('');
  });

  it('has a whole-body example for every route that takes a body', () => {
    const without = operations()
      .filter(({ op }) => op.requestBody)
      .filter(({ op }) => Object.keys(op.requestBody.content['application/json']?.examples ?? {}).length === 0)
      .map(({ path, method }) => `${method} ${path}`);
    expect(without).toEqual([]);
  });

  it('accepts every request example in the document at its route', async () => {
    const examples = operations().flatMap(({ path, method, op }) =>
      Object.entries((op.requestBody?.content['application/json']?.examples ?? {}) as Json).map(([name, example]) => ({
        path,
        method,
        name,
        value: example.value,
      })),
    );
    expect(examples.length).toBeGreaterThanOrEqual(8);
    const answers: Array<[string, number, unknown]> = [];
    // Routes of one project take a project of this test's own, so an example's settings touch nobody else.
    const project = await json(await request('/api/projects', { body: { name: `openapi-${randomUUID()}` } }));
    // A rerun needs a suite that ended: with no worker, one cancelled ends at once.
    const ended = await json(
      await request('/api/suites', {
        body: { name: 'to rerun', tests: [{ name: 't', steps: [{ action: 'goto', url: 'http://127.0.0.1:4000/' }] }] },
      }),
    );
    created.push({ path: '/api/suites', id: ended.id });
    await request(`/api/suites/${ended.id}/cancel`, { method: 'POST' });
    // Muting needs a schedule.
    const schedule = await json(
      await request('/api/schedules', {
        body: {
          name: 'to mute',
          cron: '0 3 * * *',
          run: { name: 'n', steps: [{ action: 'goto', url: 'http://127.0.0.1:4000/' }] },
        },
      }),
    );
    created.push({ path: '/api/schedules', id: schedule.id });
    const ids: Record<string, string> = {
      '/api/projects/{id}': project.id,
      '/api/suites/{id}': ended.id,
      '/api/schedules/{id}': schedule.id,
    };
    for (const { path, method, name, value } of examples) {
      const owner = Object.keys(ids).find((prefix) => path.startsWith(prefix));
      const at = owner ? path.replace('{id}', ids[owner]) : path;
      const res = await request(at, { method: method.toUpperCase(), body: value });
      const body = await json(res);
      // What an example creates under a resource (a rerun: a suite) is cancelled with its kind.
      if (typeof body.id === 'string')
        created.push({ path: path === '/api/suites/{id}/rerun' ? '/api/suites' : path, id: body.id });
      // A user's, project's or alert channel's example may have been created already (unique): 409, not a validation error.
      // The sign-in example's key is no key of this deployment: a 401 means its shape passed.
      const accepted =
        (res.status >= 200 && res.status < 300) ||
        (['/api/users', '/api/projects', '/api/alert-channels'].includes(path) && res.status === 409) ||
        (path === '/api/session' && res.status === 401);
      answers.push([`${method} ${path} ${name}`, accepted ? 200 : res.status, accepted ? null : body.message]);
    }
    expect(answers).toEqual(examples.map(({ path, method, name }) => [`${method} ${path} ${name}`, 200, null]));
  });

  it('has no schema example that its own schema refuses', () => {
    const examples = examplesIn(doc.components.schemas, 'components.schemas');
    expect(examples.length).toBeGreaterThan(20);
    expect(
      examples.flatMap(({ at, example, schema }) => schemaProblems(example, schema, doc.components.schemas, at)),
    ).toEqual([]);
  });

  it('answers with the documented bodies and statuses', async () => {
    const documented = (path: string, method: string, status: number) =>
      Object.keys(doc.paths[path][method].responses).includes(String(status));
    const check = async <S extends z.ZodType>(
      path: string,
      method: string,
      res: Response,
      status: number,
      schema: S,
    ) => {
      expect([path, method, res.status]).toEqual([path, method, status]);
      expect(documented(path, method, status)).toBe(true);
      const parsed = schema.safeParse(await json(res));
      expect(parsed.error?.issues ?? []).toEqual([]);
      return parsed.data as z.output<S>;
    };
    const run = await check(
      '/api/runs',
      'post',
      await request('/api/runs', {
        body: { name: 'documented', baseUrl: 'http://127.0.0.1:4000', steps: [{ action: 'goto', url: '/' }] },
      }),
      201,
      runCreatedBody,
    );
    created.push({ path: '/api/runs', id: run.id });
    await check('/api/runs/{id}', 'get', await request(`/api/runs/${run.id}`), 200, runDetailBody);
    await check('/api/runs', 'get', await request('/api/runs?limit=2'), 200, runPageBody);
    await check('/api/runs/{id}', 'get', await request('/api/runs/not-a-uuid'), 400, errorBody);
    await check('/api/runs', 'get', await request('/api/runs?status=bogus'), 400, errorBody);
    await check('/api/runs', 'get', await request('/api/runs?cursor=bogus'), 400, errorBody);
    await check(
      '/api/runs',
      'get',
      await request('/api/runs', { headers: { 'x-api-key': 'wrong-key-0123456789' } }),
      401,
      errorBody,
    );
    await check(
      '/api/runs/{id}/cancel',
      'post',
      await request(`/api/runs/${UUID}/cancel`, { method: 'POST' }),
      404,
      errorBody,
    );
    await check('/api/runs', 'post', await request('/api/runs', { raw: '{"name":' }), 400, errorBody);
    const secret = { name: 'OPENAPI_DOCUMENTED', value: 's3cret-value' };
    await check('/api/secrets', 'post', await request('/api/secrets', { body: secret }), 201, secretBody);
    await check('/api/secrets', 'post', await request('/api/secrets', { body: secret }), 200, secretBody);
    await check('/api/secrets', 'get', await request('/api/secrets'), 200, secretListBody);
    await check('/api/secrets', 'post', await request('/api/secrets', { body: { name: 'PATH' } }), 400, errorBody);
    await check(
      '/api/secrets/{name}',
      'delete',
      await request('/api/secrets/1bad', { method: 'DELETE' }),
      400,
      errorBody,
    );
    await check(
      '/api/secrets/{name}',
      'delete',
      await request('/api/secrets/NO_SUCH_SECRET', { method: 'DELETE' }),
      404,
      errorBody,
    );
    await check(
      '/api/runs',
      'post',
      await request('/api/runs', { raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) }),
      413,
      errorBody,
    );
  });
});
