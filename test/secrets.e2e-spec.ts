import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../src/config/app-config.service';
import { DEFAULT_PROJECT_ID } from '../src/projects/default-project';
import { Secret } from '../src/secrets/secret.entity';
import { SecretsVault } from '../src/secrets/secrets-vault';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';

const SECRETS_KEY = randomBytes(32).toString('base64');

/** An API-only process (secrets need no worker), with or without SECRETS_KEY. */
async function startApi(env: Record<string, string>): Promise<{ api: AppProcess; base: string }> {
  const port = await freePort();
  const api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), ...env }) });
  const base = `http://127.0.0.1:${port}`;
  await api.waitHealthy(`${base}/api/health`);
  return { api, base };
}

/** A vault as a worker builds it, on the same database, with the given key. */
function vaultWith(dataSource: DataSource, key: string | undefined): SecretsVault {
  return new SecretsVault(dataSource, { env: { SECRETS_KEY: key } } as unknown as AppConfig);
}

/** Secrets through the real API and PostgreSQL: values go in, never come out, and are stored encrypted. */
describe('secrets', () => {
  let api: AppProcess;
  let base = '';
  let db: Client;
  let dataSource: DataSource;
  // This file's names: a prefix of its own, so the shared test database keeps no leftovers of it.
  const prefix = `E2E_${randomUUID().slice(0, 8).toUpperCase()}_`;
  const name = (suffix: string) => `${prefix}${suffix}`;
  /** Every value this file sends: none may appear in an answer or in the API's log. */
  const sent: string[] = [];
  const value = (label: string) => {
    const v = `${label}-${randomUUID()}`;
    sent.push(v);
    return v;
  };

  const request = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'x-api-key': TEST_API_KEY,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const put = (body: unknown) => request('/api/secrets', { body });
  const list = async () => (await json(await request('/api/secrets'))).items as Array<{ name: string }>;

  beforeAll(async () => {
    ({ api, base } = await startApi({ SECRETS_KEY }));
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    dataSource = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, entities: [Secret] }).initialize();
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM secrets WHERE name LIKE $1`, [`${prefix}%`]);
    await db?.end();
    await dataSource?.destroy();
    await api?.stop();
  });

  it('creates a secret (201), lists it without its value, replaces it (200) and deletes it (204, then 404)', async () => {
    const first = value('first');
    const created = await put({ name: name('SHOP_PASSWORD'), value: first });
    const createdText = await created.text();
    expect(created.status).toBe(201);
    const body = JSON.parse(createdText) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'name', 'updatedAt']);
    expect(body.name).toBe(name('SHOP_PASSWORD'));
    expect(createdText).not.toContain(first);

    const listed = await request('/api/secrets');
    const listedText = await listed.text();
    expect(listed.status).toBe(200);
    expect(listedText).not.toContain(first);
    const items = (JSON.parse(listedText) as { items: Array<Record<string, string>> }).items;
    expect(items.find((item) => item.name === name('SHOP_PASSWORD'))).toEqual(body);

    const second = value('second');
    const replaced = await put({ name: name('SHOP_PASSWORD'), value: second });
    expect(replaced.status).toBe(200);
    const replacedBody = await json(replaced);
    expect(replacedBody.createdAt).toBe(body.createdAt);
    expect(Date.parse(replacedBody.updatedAt)).toBeGreaterThan(Date.parse(body.updatedAt));
    // The worker's vault reads the new value.
    expect(await vaultWith(dataSource, SECRETS_KEY).reveal([name('SHOP_PASSWORD')], DEFAULT_PROJECT_ID)).toEqual({
      [name('SHOP_PASSWORD')]: second,
    });

    expect((await request(`/api/secrets/${name('SHOP_PASSWORD')}`, { method: 'DELETE' })).status).toBe(204);
    expect((await list()).map((item) => item.name)).not.toContain(name('SHOP_PASSWORD'));
    const again = await request(`/api/secrets/${name('SHOP_PASSWORD')}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await json(again)).message).toBe(`Secret ${name('SHOP_PASSWORD')} not found`);
  });

  it('lists secrets sorted by name', async () => {
    for (const suffix of ['b', 'A', 'a', '_z']) await put({ name: name(`SORT_${suffix}`), value: value('sort') });
    const mine = (await list()).map((item) => item.name).filter((n) => n.startsWith(name('SORT_')));
    expect(mine).toEqual(['SORT_A', 'SORT__z', 'SORT_a', 'SORT_b'].map(name));
  });

  it('stores the value encrypted: the table holds no plaintext, and a fresh IV per write', async () => {
    const plain = value('stored-encrypted');
    await put({ name: name('STORED'), value: plain });
    const read = async () =>
      (
        await db.query<{ ciphertext: Buffer; iv: Buffer; row: string }>(
          `SELECT ciphertext, iv, row_to_json(s)::text AS row FROM secrets s WHERE name = $1`,
          [name('STORED')],
        )
      ).rows[0];
    const before = await read();
    expect(before.row).not.toContain(plain);
    expect(before.row).not.toContain(Buffer.from(plain).toString('hex'));
    expect(before.ciphertext.includes(Buffer.from(plain))).toBe(false);
    expect(before.iv).toHaveLength(12);
    await put({ name: name('STORED'), value: plain });
    const after = await read();
    expect(after.iv.equals(before.iv)).toBe(false);
    expect(after.ciphertext.equals(before.ciphertext)).toBe(false);
  });

  it('reveals to a worker only with the same key, under the same name, while the secret exists', async () => {
    const plain = value('vault');
    await put({ name: name('VAULT_A'), value: plain });
    await put({ name: name('VAULT_B'), value: value('vault-b') });
    const vault = vaultWith(dataSource, SECRETS_KEY);
    expect(await vault.reveal([name('VAULT_A')], DEFAULT_PROJECT_ID)).toEqual({ [name('VAULT_A')]: plain });
    expect(await vault.missing([name('VAULT_A'), name('NEVER'), name('NEVER')], DEFAULT_PROJECT_ID)).toEqual([
      name('NEVER'),
    ]);

    await expect(
      vaultWith(dataSource, randomBytes(32).toString('hex')).reveal([name('VAULT_A')], DEFAULT_PROJECT_ID),
    ).rejects.toThrow(`Secret ${name('VAULT_A')} was stored under another SECRETS_KEY`);
    await expect(vaultWith(dataSource, undefined).reveal([name('VAULT_A')], DEFAULT_PROJECT_ID)).rejects.toThrow(
      /SECRETS_KEY is not set/,
    );
    await expect(vault.reveal([name('VAULT_A'), name('GONE')], DEFAULT_PROJECT_ID)).rejects.toThrow(
      `Secret ${name('GONE')} does not exist`,
    );
    // A's ciphertext copied onto B: the name is authenticated, so B fails instead of yielding A's value.
    await db.query(
      `UPDATE secrets b SET ciphertext = a.ciphertext, iv = a.iv, auth_tag = a.auth_tag FROM secrets a
       WHERE a.name = $1 AND b.name = $2`,
      [name('VAULT_A'), name('VAULT_B')],
    );
    await expect(vault.reveal([name('VAULT_B')], DEFAULT_PROJECT_ID)).rejects.toThrow(
      `Secret ${name('VAULT_B')} cannot be decrypted: its stored value was altered or belongs to another name`,
    );
  });

  it('keeps each project its own secrets: same name, own value; the vault reveals only the run project’s', async () => {
    const other = await json(await request('/api/projects', { body: { name: `secrets-${randomUUID().slice(0, 8)}` } }));
    const made = await json(
      await request(`/api/projects/${other.id}/keys`, { body: { name: 'admin', scopes: ['admin'] } }),
    );
    const asOther = { headers: { 'x-api-key': made.key as string } };
    const mine = value('default-project');
    const theirs = value('other-project');
    expect((await put({ name: name('SHARED'), value: mine })).status).toBe(201);
    // The same name in another project is a new secret there (201), not a replacement of ours.
    expect((await request('/api/secrets', { ...asOther, body: { name: name('SHARED'), value: theirs } })).status).toBe(
      201,
    );
    expect(
      (await request('/api/secrets', { ...asOther, body: { name: name('OTHER_ONLY'), value: theirs } })).status,
    ).toBe(201);
    expect(
      (await request('/api/secrets', { ...asOther, body: { name: name('OTHER_ONLY'), value: theirs } })).status,
    ).toBe(200);
    const vault = vaultWith(dataSource, SECRETS_KEY);
    expect(await vault.reveal([name('SHARED')], DEFAULT_PROJECT_ID)).toEqual({ [name('SHARED')]: mine });
    expect(await vault.reveal([name('SHARED')], other.id as string)).toEqual({ [name('SHARED')]: theirs });
    await expect(vault.reveal([name('OTHER_ONLY')], DEFAULT_PROJECT_ID)).rejects.toThrow(
      `Secret ${name('OTHER_ONLY')} does not exist`,
    );
    expect(await vault.missing([name('OTHER_ONLY'), name('SHARED')], DEFAULT_PROJECT_ID)).toEqual([name('OTHER_ONLY')]);

    const theirList = (await json(await request('/api/secrets', asOther))).items as Array<{ name: string }>;
    expect(theirList.map((item) => item.name).sort()).toEqual([name('OTHER_ONLY'), name('SHARED')]);
    expect((await list()).map((item) => item.name)).not.toContain(name('OTHER_ONLY'));
    // Deleting in one project leaves the other's secret of that name.
    expect((await request(`/api/secrets/${name('SHARED')}`, { ...asOther, method: 'DELETE' })).status).toBe(204);
    const gone = await request(`/api/secrets/${name('OTHER_ONLY')}`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect((await json(gone)).message).toBe(`Secret ${name('OTHER_ONLY')} not found`);
    expect(await vault.reveal([name('SHARED')], DEFAULT_PROJECT_ID)).toEqual({ [name('SHARED')]: mine });

    // Each change is in the project's audit log, by name, never with the value.
    const audit = await request('/api/audit?limit=100', asOther);
    const auditText = await audit.text();
    expect(audit.status).toBe(200);
    expect(auditText).not.toContain(theirs);
    const events = (JSON.parse(auditText) as { items: Array<{ action: string; target: string }> }).items
      .filter((event) => event.action.startsWith('secret.'))
      .map((event) => `${event.action} ${event.target}`);
    expect(events.sort()).toEqual(
      [
        `secret.deleted ${name('SHARED')}`,
        `secret.replaced ${name('OTHER_ONLY')}`,
        `secret.stored ${name('OTHER_ONLY')}`,
        `secret.stored ${name('SHARED')}`,
      ].sort(),
    );
    // Secrets are an admin's: a trigger key of the project may not list, store or delete them.
    const trigger = await json(
      await request(`/api/projects/${other.id}/keys`, { body: { name: 'trigger', scopes: ['trigger'] } }),
    );
    const asTrigger = { headers: { 'x-api-key': trigger.key as string } };
    expect((await request('/api/secrets', asTrigger)).status).toBe(403);
    expect((await request('/api/secrets', { ...asTrigger, body: { name: name('T'), value: value('t') } })).status).toBe(
      403,
    );
    expect((await request(`/api/secrets/${name('OTHER_ONLY')}`, { ...asTrigger, method: 'DELETE' })).status).toBe(403);
  });

  it('refuses bad names and values with a 400 naming the field, never echoing the value', async () => {
    const hidden = value('never-echoed');
    const cases: Array<[unknown, RegExp]> = [
      [{ name: '1ABC', value: hidden }, /^name must be 1 to 64 letters, digits or underscores/],
      [{ name: 'A-B', value: hidden }, /^name must be 1 to 64 letters/],
      [{ name: 'A'.repeat(65), value: hidden }, /^name must be 1 to 64 letters/],
      [{ name: 'PATH', value: hidden }, /^name PATH is refused: the sandbox sets PATH itself/],
      [{ name: 'node_options', value: hidden }, /^name node_options is refused: the sandbox sets NODE_OPTIONS itself/],
      [
        { name: 'NODE_EXTRA_CA_CERTS', value: hidden },
        /^name NODE_EXTRA_CA_CERTS is refused: names starting with NODE_/,
      ],
      [{ name: 'PLAYWRIGHT_X', value: hidden }, /starting with PLAYWRIGHT_/],
      [{ name: 'PW_TEST_X', value: hidden }, /starting with PW_/],
      [{ name: 42, value: hidden }, /^name must be a string$/],
      [{ value: hidden }, /^name is required$/],
      [{ name: name('V') }, /^value is required$/],
      [{ name: name('V'), value: '' }, /^value should not be empty$/],
      [{ name: name('V'), value: 7 }, /^value must be a string$/],
      [{ name: name('V'), value: `${hidden}${'x'.repeat(8192)}` }, /^value must be at most 8192 bytes of UTF-8$/],
      // 4097 characters of two bytes each: under 8192 characters, over 8192 bytes.
      [{ name: name('V'), value: 'é'.repeat(4097) }, /^value must be at most 8192 bytes of UTF-8$/],
      [{ name: name('V'), value: hidden, extra: 1 }, /^property extra should not exist$/],
      [[hidden], /^the body must be a JSON object$/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      const text = await res.text();
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), 400]);
      expect((JSON.parse(text) as { message: string[] }).message.join('\n')).toMatch(message);
      expect(text).not.toContain(hidden);
    }
    // A value of exactly 8192 bytes is accepted.
    expect((await put({ name: name('MAX'), value: 'é'.repeat(4096) })).status).toBe(201);
    expect((await list()).map((item) => item.name)).not.toContain(name('V'));

    for (const [path, message] of [
      ['1bad', /^name must be 1 to 64 letters/],
      ['PATH', /^name PATH is refused/],
      ['A%20B', /^name must be 1 to 64 letters/],
    ] as const) {
      const res = await request(`/api/secrets/${path}`, { method: 'DELETE' });
      expect([path, res.status]).toEqual([path, 400]);
      expect(((await json(res)) as { message: string[] }).message.join('\n')).toMatch(message);
    }
  });

  it('answers 401 without an API key, storing nothing', async () => {
    const noKey = { headers: { 'x-api-key': '' } };
    expect((await request('/api/secrets', { ...noKey, body: { name: name('NO_KEY'), value: 'v4lue' } })).status).toBe(
      401,
    );
    expect((await request('/api/secrets', noKey)).status).toBe(401);
    expect((await request(`/api/secrets/${name('NO_KEY')}`, { ...noKey, method: 'DELETE' })).status).toBe(401);
    expect((await list()).map((item) => item.name)).not.toContain(name('NO_KEY'));
  });

  it(`refuses the 1001st secret with a 409 naming the cap, but still replaces one`, async () => {
    const { rows } = await db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM secrets WHERE project_id = $1`,
      [DEFAULT_PROJECT_ID],
    );
    const filler = 1000 - rows[0].count;
    // Rows copied from one this file stored: only their number matters here.
    await put({ name: name('FILL_SOURCE'), value: value('filler') });
    await db.query(
      `INSERT INTO secrets (project_id, name, ciphertext, iv, auth_tag, key_id)
       SELECT project_id, $1::text || g, ciphertext, iv, auth_tag, key_id FROM secrets, generate_series(1, $2::int - 1) g
       WHERE name = $3 AND project_id = $4`,
      [name('FILL_'), filler, name('FILL_SOURCE'), DEFAULT_PROJECT_ID],
    );
    try {
      const over = await put({ name: name('ONE_TOO_MANY'), value: value('over') });
      expect(over.status).toBe(409);
      expect((await json(over)).message).toMatch(/This project already has 1000 secrets, the most Stevedore keeps/);
      expect((await put({ name: name('FILL_SOURCE'), value: value('replace') })).status).toBe(200);
      expect(await list()).toHaveLength(1000);
    } finally {
      await db.query(`DELETE FROM secrets WHERE name LIKE $1`, [`${name('FILL_')}%`]);
    }
    expect((await put({ name: name('ONE_TOO_MANY'), value: value('fits') })).status).toBe(201);
  });

  it('answers 503 naming SECRETS_KEY on an API without it, where listing and deleting still work', async () => {
    await put({ name: name('KEYLESS'), value: value('keyless') });
    const keyless = await startApi({});
    try {
      const ask = (path: string, init: RequestInit = {}) =>
        fetch(`${keyless.base}${path}`, {
          ...init,
          headers: { 'x-api-key': TEST_API_KEY, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        });
      const refused = await ask('/api/secrets', {
        method: 'POST',
        body: JSON.stringify({ name: name('KEYLESS_NEW'), value: value('keyless-new') }),
      });
      expect(refused.status).toBe(503);
      expect((await json(refused)).message).toMatch(/SECRETS_KEY is not set.*openssl rand -base64 32/);
      const items = (await json(await ask('/api/secrets'))).items as Array<{ name: string }>;
      expect(items.map((item) => item.name)).toContain(name('KEYLESS'));
      expect(items.map((item) => item.name)).not.toContain(name('KEYLESS_NEW'));
      expect((await ask(`/api/secrets/${name('KEYLESS')}`, { method: 'DELETE' })).status).toBe(204);
      expect(keyless.api.output).not.toMatch(/keyless-new-/);
    } finally {
      await keyless.api.stop();
    }
  });

  it('never writes a value to the log', () => {
    expect(sent.length).toBeGreaterThan(10);
    expect(api.output).toContain('/api/secrets');
    for (const v of sent) expect(api.output).not.toContain(v);
  });
});
