import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { connectEvents } from './helpers/live-clients';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, uniquePrefix } from './helpers/test-env';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Projects, keys, scopes and the audit log through two real API instances on one Redis and PostgreSQL. */
describe('projects and keys', () => {
  const apis: AppProcess[] = [];
  const bases: string[] = [];
  let db: Client;
  const tag = randomUUID().slice(0, 8);

  const call = async (
    key: string,
    path: string,
    init: { method?: string; body?: unknown; base?: string } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${init.base ?? bases[0]}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: response.headers,
    };
  };
  const createProject = async (name: string) => {
    const answer = await call(TEST_API_KEY, '/api/projects', { body: { name } });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; name: string };
  };
  const createKey = async (by: string, projectId: string, scopes: string[], name = `key-${scopes.join('-')}`) => {
    const answer = await call(by, `/api/projects/${projectId}/keys`, { body: { name, scopes } });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; key: string; prefix: string; scopes: string[] };
  };

  beforeAll(async () => {
    const prefix = uniquePrefix();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), QUEUE_PREFIX: prefix }) });
      apis.push(api);
      bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(apis.map((api, i) => api.waitHealthy(`${bases[i]}/api/health`)));
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all(apis.map((api) => api.stop()));
  });

  it('lets a bootstrap key make projects and keys; the key is shown once and stored only as a hash', async () => {
    const project = await createProject(`team-${tag}`);
    const made = await createKey(TEST_API_KEY, project.id, ['admin'], 'lead');
    expect(made.key).toMatch(/^stv_[A-Za-z0-9_-]{43}$/);
    expect(made.key.startsWith(made.prefix)).toBe(true);

    const listed = await call(made.key, `/api/projects/${project.id}/keys`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: made.id, name: 'lead', scopes: ['admin'], prefix: made.prefix, revokedAt: null }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(made.key);
    // The database holds a hash, never the key.
    const { rows } = await db.query(`SELECT to_jsonb(k)::text AS row FROM api_keys k WHERE id = $1`, [made.id]);
    expect(rows[0].row).not.toContain(made.key);
    expect(rows[0].row).not.toContain(made.key.slice(4));

    // The project's own key sees its project, and only it.
    const own = await call(made.key, '/api/projects');
    expect((own.body.items as Array<{ id: string }>).map((p) => p.id)).toEqual([project.id]);
    // A name is unique whatever its case.
    expect((await call(TEST_API_KEY, '/api/projects', { body: { name: `TEAM-${tag}` } })).status).toBe(409);
  });

  it('refuses what a key may not do: 403 for a missing scope, 404 for another project, never a hint', async () => {
    const a = await createProject(`a-${tag}`);
    const b = await createProject(`b-${tag}`);
    const aAdmin = await createKey(TEST_API_KEY, a.id, ['admin']);
    const aRead = await createKey(aAdmin.key, a.id, ['read']);
    const bAdmin = await createKey(TEST_API_KEY, b.id, ['admin']);

    // Only a bootstrap key makes projects.
    expect((await call(aAdmin.key, '/api/projects', { body: { name: `x-${tag}` } })).status).toBe(403);
    // A read key reads, and may not write.
    expect((await call(aRead.key, '/api/runs')).status).toBe(200);
    const refused = await call(aRead.key, '/api/runs', { body: { name: 'r', steps: [] } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/lacks the trigger scope/);
    expect((await call(aRead.key, `/api/projects/${a.id}/keys`)).status).toBe(403);
    expect((await call(aRead.key, '/api/audit')).status).toBe(403);
    expect((await call(aRead.key, `/api/projects/${a.id}`, { method: 'PATCH', body: { queuedLimit: 5 } })).status).toBe(
      403,
    );

    // Another project's ids answer exactly as ids that do not exist.
    const missing = randomUUID();
    for (const [method, path, body] of [
      ['GET', `/api/projects/${b.id}`, undefined],
      ['PATCH', `/api/projects/${b.id}`, { queuedLimit: 1 }],
      ['GET', `/api/projects/${b.id}/keys`, undefined],
      ['POST', `/api/projects/${b.id}/keys`, { name: 'sneaky', scopes: ['admin'] }],
      ['DELETE', `/api/projects/${b.id}/keys/${bAdmin.id}`, undefined],
      ['GET', `/api/audit?projectId=${b.id}`, undefined],
    ] as const) {
      const other = await call(aAdmin.key, path, { method, body });
      const none = await call(aAdmin.key, path.replace(b.id, missing), { method, body });
      expect([method, path, other.status]).toEqual([method, path, 404]);
      expect(none.status).toBe(404);
      expect(String(other.body.message)).toBe(String(none.body.message).replace(missing, b.id));
    }
    // B's key still works: A's attempts changed nothing.
    expect((await call(bAdmin.key, `/api/projects/${b.id}/keys`)).status).toBe(200);
  });

  it('names what is wrong in a request', async () => {
    const p = await createProject(`bad-${tag}`);
    for (const [body, problem] of [
      [{ name: 'k', scopes: ['root'] }, /scopes\[0\] must be one of read, trigger, admin/],
      [{ name: 'k', scopes: [] }, /scopes must name at least one scope/],
      [{ scopes: ['read'] }, /name is required/],
      [{ name: 'k', scopes: ['read', 'read'] }, /scopes must name each scope at most once/],
      [{ name: 'k', scopes: ['read'], key: 'chosen' }, /key should not exist/],
    ] as const) {
      const answer = await call(TEST_API_KEY, `/api/projects/${p.id}/keys`, { body });
      expect(answer.status).toBe(400);
      expect((answer.body.message as string[]).join('\n')).toMatch(problem);
    }
    const limit = await call(TEST_API_KEY, `/api/projects/${p.id}`, { method: 'PATCH', body: { runningLimit: 0 } });
    expect(limit.status).toBe(400);
    expect((limit.body.message as string[]).join('\n')).toMatch(/runningLimit must be a whole number from 1/);
    expect((await call(TEST_API_KEY, '/api/projects/not-a-uuid')).status).toBe(400);
  });

  it('revokes a key at once on every API instance', async () => {
    const p = await createProject(`revoke-${tag}`);
    const admin = await createKey(TEST_API_KEY, p.id, ['admin']);
    const doomed = await createKey(admin.key, p.id, ['read']);
    // Both instances know the key (and keep it in their caches).
    for (const base of bases) expect((await call(doomed.key, '/api/runs', { base })).status).toBe(200);

    // A socket.io connection signed in with the key on the other instance is closed too.
    const socket = await connectEvents(bases[1], { token: doomed.key });
    const closed = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
    const revoked = await call(admin.key, `/api/projects/${p.id}/keys/${doomed.id}`, {
      method: 'DELETE',
      base: bases[0],
    });
    expect(revoked.status).toBe(204);
    const since = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - since < 5000) {
      status = (await call(doomed.key, '/api/runs', { base: bases[1] })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - since).toBeLessThan(1000);
    expect((await closed) - since).toBeLessThan(1000);
    await expect(connectEvents(bases[1], { token: doomed.key })).rejects.toThrow('The API key is not valid');
    const listed = await call(admin.key, `/api/projects/${p.id}/keys`);
    expect(
      (listed.body.items as Array<{ id: string; revokedAt: string | null }>).find((k) => k.id === doomed.id)?.revokedAt,
    ).not.toBeNull();
    // Revoking again changes nothing.
    expect((await call(admin.key, `/api/projects/${p.id}/keys/${doomed.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('keeps an audit log of keys and settings, per project', async () => {
    const p = await createProject(`audit-${tag}`);
    const admin = await createKey(TEST_API_KEY, p.id, ['admin'], 'lead');
    const ci = await createKey(admin.key, p.id, ['trigger'], 'ci');
    expect((await call(admin.key, `/api/projects/${p.id}`, { method: 'PATCH', body: { queuedLimit: 7 } })).status).toBe(
      200,
    );
    await call(admin.key, `/api/projects/${p.id}/keys/${ci.id}`, { method: 'DELETE' });

    const log = await call(admin.key, '/api/audit');
    expect(log.status).toBe(200);
    const items = log.body.items as Array<{ action: string; target: string; actor: string; actorKeyId: string | null }>;
    expect(items.map((e) => e.action)).toEqual([
      'key.revoked',
      'project.updated',
      'key.created',
      'key.created',
      'project.created',
    ]);
    expect(items[0]).toMatchObject({ target: ci.id, actorKeyId: admin.id, actor: expect.stringContaining('lead') });
    expect(items.at(-1)).toMatchObject({ actorKeyId: null, actor: expect.stringMatching(/bootstrap key/) });
    expect(JSON.stringify(items)).not.toContain(ci.key);
    // The bootstrap key reads it by project; its own log (the default project's) does not hold it.
    const byBootstrap = await call(TEST_API_KEY, `/api/audit?projectId=${p.id}`);
    expect((byBootstrap.body.items as unknown[]).length).toBe(5);
    const defaultLog = await call(TEST_API_KEY, '/api/audit?limit=100');
    expect(JSON.stringify(defaultLog.body)).not.toContain(p.id);
  });

  it('records when a key was last used, without a write per request', async () => {
    const p = await createProject(`used-${tag}`);
    const key = await createKey(TEST_API_KEY, p.id, ['read']);
    const before = await call(TEST_API_KEY, `/api/projects/${p.id}/keys`);
    expect((before.body.items as Array<{ lastUsedAt: string | null }>)[0].lastUsedAt).toBeNull();
    await call(key.key, '/api/runs');
    const { rows } = await (async () => {
      for (let i = 0; i < 50; i++) {
        const result = await db.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]);
        if (result.rows[0].last_used_at) return result;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return db.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]);
    })();
    expect(rows[0].last_used_at).not.toBeNull();
  });

  it('limits each key’s request rate per project, across instances, with 429 and Retry-After', async () => {
    const p = await createProject(`rate-${tag}`);
    expect(
      (await call(TEST_API_KEY, `/api/projects/${p.id}`, { method: 'PATCH', body: { ratePerSecond: 2, rateBurst: 4 } }))
        .status,
    ).toBe(200);
    const limited = await createKey(TEST_API_KEY, p.id, ['read']);
    const neighbour = await createKey(TEST_API_KEY, p.id, ['read']);
    // A burst of 4 passes on one instance; the bucket is shared, so the next on the other instance is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(limited.key, '/api/runs', { base: bases[0] })).status);
    const refused = await call(limited.key, '/api/runs', { base: bases[1] });
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.message).toMatch(/more than 2 requests a second \(burst 4\)/);
    // Each key has its own bucket; bootstrap keys have none.
    expect((await call(neighbour.key, '/api/runs')).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await call(TEST_API_KEY, '/api/runs')).status).toBe(200);
    // After Retry-After, the key is served again.
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000));
    expect((await call(limited.key, '/api/runs', { base: bases[1] })).status).toBe(200);
    // GraphQL counts too, with the same status.
    for (let i = 0; i < 6; i++) await call(limited.key, '/api/runs');
    const graphql = await fetch(`${bases[0]}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${limited.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ runs(limit: 1) { items { id } } }' }),
    });
    expect(graphql.status).toBe(429);
    expect(graphql.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('still takes the bootstrap keys of API_KEYS as before', async () => {
    expect((await call(TEST_API_KEY, '/api/runs')).status).toBe(200);
    expect((await call('second-key-0123456789', '/api/runs')).status).toBe(200);
    expect((await call('stv_not-a-key-at-all-00000000000000000000000000', '/api/runs')).status).toBe(401);
    expect((await json(await fetch(`${bases[0]}/api/runs`))).statusCode).toBe(401);
  });
});
