import { Queue } from 'bullmq';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { json } from './helpers/json';
import { collectSocket, connectEvents } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';

const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;

/** Users and email through a real API, a real worker and a real SMTP server. */
describe('users and emails over SMTP', () => {
  const sink = new SmtpSink();
  let stack: Stack;
  let db: Client;

  const email = async (id: string) => json(await stack.request(`/api/emails/${id}`));
  const waitStatus = (id: string, statuses: string[]) =>
    pollUntil(
      () => email(id),
      (e) => statuses.includes(e.status),
      20000,
      `email ${id} in ${statuses.join('|')}`,
    );

  beforeAll(async () => {
    sink.reject((rcpt) => (rcpt.startsWith('bounce-') ? { code: 550, message: '5.1.1 No such user here' } : undefined));
    sink.reject((rcpt, attempt) =>
      rcpt.startsWith('greylist-') && attempt === 1
        ? { code: 451, message: '4.7.1 Greylisted, try again later' }
        : undefined,
    );
    sink.stall((rcpt, attempt) => rcpt.startsWith('stall-') && attempt === 1);
    await sink.start();
    stack = await new Stack(
      baseEnv({
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        MAIL_FROM: 'Stevedore <noreply@stevedore.test>',
        MAIL_TIMEOUT_MS: '1500',
      }),
    ).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await stack?.stop();
    await sink.stop();
    await db?.end();
  });

  it('creating a user delivers exactly one welcome mail carrying the user name', async () => {
    const address = unique('ada');
    const res = await stack.request('/api/users', { body: { email: address, name: 'Ada Lovelace' } });
    expect(res.status).toBe(201);
    const user = await json(res);
    expect(user).toMatchObject({ id: expect.any(String), email: address, name: 'Ada Lovelace' });

    const mails = await pollUntil(
      async () => sink.to(address),
      (m) => m.length > 0,
      15000,
      'welcome mail',
    );
    expect(mails).toHaveLength(1);
    expect(mails[0].raw).toMatch(/^Subject: Welcome to Stevedore, Ada Lovelace$/m);
    expect(mails[0].raw).toContain('Hello Ada Lovelace,');
    expect(mails[0].from).toBe('noreply@stevedore.test');

    const { rows } = await db.query('SELECT id, status, attempts, message_id FROM emails WHERE user_id = $1', [
      user.id,
    ]);
    expect(rows).toHaveLength(1);
    await waitStatus(rows[0].id, ['sent']);
    expect((await json(await stack.request(`/api/users/${user.id}`))).email).toBe(address);
  });

  it('queues one welcome email per user however often its job is added', async () => {
    const address = unique('once');
    const user = await json(await stack.request('/api/users', { body: { email: address, name: 'Once' } }));
    const { rows } = await db.query('SELECT id FROM emails WHERE user_id = $1', [user.id]);
    const welcomeId = rows[0].id;
    await waitStatus(welcomeId, ['sent']);
    const queue = new Queue('emails', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
    try {
      // The same job id again is ignored by BullMQ...
      await queue.add('send', { emailId: welcomeId }, { jobId: welcomeId });
      // ...and a job that slips through anyway (its predecessor removed) finds the email sent.
      await (await queue.getJob(welcomeId))?.remove();
      const again = await queue.add('send', { emailId: welcomeId }, { jobId: welcomeId });
      await pollUntil(
        () => again.getState(),
        (s) => s === 'completed',
        10000,
        'second job completed',
      );
      expect((await queue.getJob(welcomeId))?.returnvalue).toEqual({
        status: 'skipped',
        messageId: `<${welcomeId}@stevedore>`,
      });
    } finally {
      await queue.close();
    }
    expect(sink.to(address)).toHaveLength(1);
  });

  it('answers 409 on a taken email whatever its case', async () => {
    const address = unique('taken');
    expect((await stack.request('/api/users', { body: { email: address, name: 'First' } })).status).toBe(201);
    const res = await stack.request('/api/users', { body: { email: address.toUpperCase(), name: 'Second' } });
    expect(res.status).toBe(409);
    expect((await json(res)).message).toContain('already exists');
    const { rows } = await db.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [address]);
    expect(rows[0].n).toBe(1);
  });

  it('sends a templated email from REST: 202, then sent with a Message-ID', async () => {
    const address = unique('tmpl');
    const res = await stack.request('/api/emails', {
      body: { to: address, template: 'welcome', variables: { name: 'Grace', email: address } },
    });
    expect(res.status).toBe(202);
    const accepted = await json(res);
    expect(accepted).toEqual({ id: expect.any(String), status: 'queued' });
    const sent = await waitStatus(accepted.id, ['sent']);
    expect(sent).toMatchObject({
      attempts: 1,
      messageId: `<${accepted.id}@stevedore>`,
      lastError: null,
      to: [address],
      template: 'welcome',
    });
    expect(sink.to(address)[0].raw).toContain(`Message-ID: <${accepted.id}@stevedore>`);
  });

  it('sends to display names (quoted, with commas, in a list) and keeps them', async () => {
    const [ada, bob, eve] = [unique('ada-name'), unique('bob-name'), unique('eve-name')];
    const res = await stack.request('/api/emails', {
      body: { to: [`"Lovelace, Ada" <${ada}>, Bob Smith <${bob}>`, eve], subject: 'Named', text: 'n' },
    });
    expect(res.status).toBe(202);
    const sent = await waitStatus((await json(res)).id, ['sent', 'failed']);
    expect(sent).toMatchObject({ status: 'sent', to: [`"Lovelace, Ada" <${ada}>`, `Bob Smith <${bob}>`, eve] });
    const [mail] = sink.to(ada);
    expect(mail.to).toEqual([ada, bob, eve]);
    // The header may be folded (RFC 5322 2.2.3): unfold it before reading it.
    const unfold = (raw: string) => raw.replace(/\r\n(?=[ \t])/g, '');
    expect(unfold(mail.raw)).toContain(`\r\nTo: "Lovelace, Ada" <${ada}>, Bob Smith <${bob}>, ${eve}\r\n`);

    const { data, errors } = await stack.graphql(
      'mutation ($input: SendEmailInput!) { sendEmail(input: $input) { id to } }',
      {
        input: { to: [`Grace Hopper <${ada}>`], subject: 'Named too', text: 'g' },
      },
    );
    expect(errors).toBeUndefined();
    expect(data.sendEmail.to).toEqual([`Grace Hopper <${ada}>`]);
    await waitStatus(data.sendEmail.id, ['sent']);
    expect(unfold(sink.to(ada).at(-1)!.raw)).toContain(`\r\nTo: Grace Hopper <${ada}>\r\n`);
  });

  it('sends raw subject/text/html from GraphQL', async () => {
    const address = unique('gql');
    const { status, data, errors } = await stack.graphql(
      'mutation ($input: SendEmailInput!) { sendEmail(input: $input) { id status subject } }',
      { input: { to: [address], subject: 'Nightly report', text: 'All green', html: '<p>All <b>green</b></p>' } },
    );
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data.sendEmail).toMatchObject({ status: 'queued', subject: 'Nightly report' });
    await waitStatus(data.sendEmail.id, ['sent']);
    const raw = sink.to(address)[0].raw;
    expect(raw).toContain('All green');
    expect(raw).toContain('<p>All <b>green</b></p>');
  });

  it('creates a user from GraphQL and reads it back', async () => {
    const address = unique('gqluser');
    const created = await stack.graphql(
      'mutation { createUser(input: { email: "' + address + '", name: "Linus" }) { id email name } }',
    );
    expect(created.data.createUser).toMatchObject({ email: address, name: 'Linus' });
    const read = await stack.graphql(`{ user(id: "${created.data.createUser.id}") { name } }`);
    expect(read.data.user.name).toBe('Linus');
    await pollUntil(
      async () => sink.to(address),
      (m) => m.length === 1,
      15000,
      'welcome mail',
    );
  });

  it('ends failed after one attempt with the server reason on a 550', async () => {
    const address = unique('bounce-');
    const { id } = await json(await stack.request('/api/emails', { body: { to: address, subject: 'Hi', text: 'x' } }));
    const failed = await waitStatus(id, ['failed', 'sent']);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/550.*No such user here/);
    expect(sink.to(address)).toHaveLength(0);
  });

  it('retries a 451 and ends sent with exactly one message delivered', async () => {
    const address = unique('greylist-');
    const { id } = await json(
      await stack.request('/api/emails', { body: { to: address, subject: 'Hi again', text: 'y' } }),
    );
    const sent = await waitStatus(id, ['sent', 'failed']);
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(2);
    expect(sink.to(address)).toHaveLength(1);
  });

  it('gives up on an SMTP server that stops answering after MAIL_TIMEOUT_MS, and the retry sends it once', async () => {
    const address = unique('stall-');
    const asked = Date.now();
    const { id } = await json(
      await stack.request('/api/emails', { body: { to: address, subject: 'Anyone there?', text: 'z' } }),
    );
    const retrying = await pollUntil(
      () => email(id),
      (e) => e.status === 'queued' && e.lastError !== null,
      10000,
      'first attempt timed out',
    );
    expect(retrying.lastError).toMatch(/time/i);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1500);
    const sent = await waitStatus(id, ['sent', 'failed']);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(sink.to(address)).toHaveLength(1);
  });

  it('follows an email live over socket.io until it is sent', async () => {
    const socket = await connectEvents(stack.base);
    try {
      const got = collectSocket(socket);
      const address = unique('greylist-live');
      const { id } = await json(
        await stack.request('/api/emails', { body: { to: address, subject: 'Live', text: 'z' } }),
      );
      expect(await socket.emitWithAck('subscribe', { emailId: id })).toEqual({ ok: true, kind: 'email', id });
      const events = await got.until(
        (e) => e.event === 'email.updated' && ['sent', 'failed'].includes(e.data.status as string),
        20000,
      );
      expect(events.at(-1)!.data).toMatchObject({ id, status: 'sent', attempts: 2, messageId: expect.any(String) });
      // A 451 puts it back to queued for its second attempt: each state is told once.
      const states = events.map((e) => `${String(e.data.attempts)}:${String(e.data.status)}`);
      expect(new Set(states).size).toBe(states.length);
    } finally {
      socket.close();
    }
  });

  it('gives the same email for the same Idempotency-Key, and sends one message', async () => {
    const address = unique('idem');
    const key = `order-${Date.now()}`;
    const body = { to: [address], subject: 'Receipt', text: 'Thanks' };
    const first = await json(await stack.request('/api/emails', { body, headers: { 'Idempotency-Key': key } }));
    const second = await stack.request('/api/emails', { body, headers: { 'Idempotency-Key': key } });
    expect(second.status).toBe(202);
    expect((await json(second)).id).toBe(first.id);
    await waitStatus(first.id, ['sent']);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(address)).toHaveLength(1);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM emails WHERE idempotency_key = $1', [key]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ['a user without email', '/api/users', { name: 'X' }, 'email must be an email address'],
    ['a user with a bad email', '/api/users', { email: 'not-an-email', name: 'X' }, 'email must be an email address'],
    ['a user with an empty name', '/api/users', { email: 'a@example.com', name: '  ' }, 'name should not be empty'],
    [
      'a user with an unknown field',
      '/api/users',
      { email: 'a@example.com', name: 'X', admin: true },
      'property admin should not exist',
    ],
    [
      'an email without recipients',
      '/api/emails',
      { to: [], subject: 'a', text: 'b' },
      'to must name at least one recipient',
    ],
    [
      'an email to a non-address',
      '/api/emails',
      { to: ['nobody'], subject: 'a', text: 'b' },
      'to[0] must be an email address or "Name <address>" ("nobody" is not an address)',
    ],
    [
      'a display name with a bad address',
      '/api/emails',
      { to: ['ok@example.com', 'Ada <ada@nowhere>'], subject: 'a', text: 'b' },
      'to[1] must be an email address or "Name <address>" ("ada@nowhere" is not an address)',
    ],
    [
      'a recipient that smuggles a header',
      '/api/emails',
      { to: 'Ada\r\nBcc: eve@example.com <ada@example.com>', subject: 'a', text: 'b' },
      'to[0] must not contain control characters',
    ],
    [
      'an email to too many',
      '/api/emails',
      { to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`), subject: 'a', text: 'b' },
      'to may name at most 50 recipients',
    ],
    ['an unknown template', '/api/emails', { to: 'a@example.com', template: 'nope' }, 'template "nope" does not exist'],
    [
      'a template missing a variable',
      '/api/emails',
      { to: 'a@example.com', template: 'welcome', variables: { email: 'a@example.com' } },
      'variables.name is required by template "welcome"',
    ],
    [
      'neither template nor subject',
      '/api/emails',
      { to: 'a@example.com', text: 'b' },
      'template or subject is required',
    ],
    [
      'a subject without a body',
      '/api/emails',
      { to: 'a@example.com', subject: 'a' },
      'text or html is required with subject',
    ],
    [
      'both template and subject',
      '/api/emails',
      { to: 'a@example.com', template: 'welcome', subject: 'a', variables: { name: 'n', email: 'e' } },
      'give either template or subject, not both',
    ],
    [
      'variables that are not an object',
      '/api/emails',
      { to: 'a@example.com', template: 'welcome', variables: 'x' },
      'variables must be an object',
    ],
    [
      'a text body over the limit',
      '/api/emails',
      { to: 'a@example.com', subject: 'a', text: 'x'.repeat(512 * 1024 + 1) },
      'text must be at most 524288 characters',
    ],
  ])('answers 400 naming the field for %s', async (_what, path, body, message) => {
    const res = await stack.request(path, { body });
    expect(res.status).toBe(400);
    expect((await json(res)).message.join('\n')).toContain(message);
  });

  it('answers 400 on a malformed id and 404 on an unknown one', async () => {
    expect((await stack.request('/api/emails/not-a-uuid')).status).toBe(400);
    expect((await stack.request('/api/emails/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await stack.request('/api/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses GraphQL without a key, as REST does', async () => {
    const res = await fetch(`${stack.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createUser(input: { email: "x@example.com", name: "X" }) { id } }' }),
    });
    const body = await json(res);
    expect(body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(body.data).toBeNull();
  });

  it('gives GraphQL the same validation text as REST', async () => {
    const { errors } = await stack.graphql(
      'mutation { sendEmail(input: { to: ["a@example.com"], template: "welcome", variables: { email: "x" } }) { id } }',
    );
    expect(errors?.[0].message).toBe('variables.name is required by template "welcome"');
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });
});

describe('email without MAIL_HOST', () => {
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-eml-'));
    stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the message as an .eml file under ARTIFACTS_DIR/mail and marks it sent', async () => {
    const { id } = await json(
      await stack.request('/api/emails', {
        body: { to: 'dev@example.com', subject: 'Local mail', text: 'Look in storage/mail' },
      }),
    );
    await pollUntil(
      async () => json(await stack.request(`/api/emails/${id}`)),
      (e) => e.status === 'sent',
      15000,
      'sent',
    );
    const files = await readdir(join(dir, 'mail'));
    const file = files.find((f) => f.includes(id));
    expect(file).toBeDefined();
    const eml = await readFile(join(dir, 'mail', file!), 'utf8');
    expect(eml).toMatch(/^Subject: Local mail\r$/m);
    expect(eml).toContain('Look in storage/mail');
    expect(stack.worker.output).toMatch(/Mail goes to \.eml files in /);
  });

  it('writes .eml files with CRLF line endings only (RFC 5322), body lines included', async () => {
    const text = 'line one\nline two\n\nafter a blank line';
    const { id } = await json(
      await stack.request('/api/emails', {
        body: { to: 'Ada Lovelace <ada@example.com>', subject: 'Line endings', text, html: '<p>a</p>\n<p>b</p>' },
      }),
    );
    await pollUntil(
      async () => json(await stack.request(`/api/emails/${id}`)),
      (e) => e.status === 'sent',
      15000,
      'sent',
    );
    const file = (await readdir(join(dir, 'mail'))).find((f) => f.includes(id));
    const bytes = await readFile(join(dir, 'mail', file!));
    const lone = [...bytes.keys()].filter(
      (i) => (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a),
    );
    expect(lone).toEqual([]);
    const eml = bytes.toString('utf8');
    expect(eml).toContain('\r\n\r\n');
    expect(eml).toMatch(/^To: Ada Lovelace <ada@example.com>\r$/m);
    expect(eml).toContain('line one\r\nline two\r\n\r\nafter a blank line');
  });
});

describe('email rate limit', () => {
  let stack: Stack;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-rate-'));
    stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir, EMAIL_RATE_LIMIT: '2' })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends at most EMAIL_RATE_LIMIT emails per second', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await json(
            await stack.request('/api/emails', {
              body: { to: `rate-${i}@example.com`, subject: `Rate ${i}`, text: 'r' },
            }),
          )
        ).id,
      );
    }
    const sent = await Promise.all(
      ids.map((id) =>
        pollUntil(
          async () => json(await stack.request(`/api/emails/${id}`)),
          (e) => e.status === 'sent',
          20000,
          `email ${id} sent`,
        ),
      ),
    );
    const times = sent.map((e) => Date.parse(e.sentAt)).sort((a, b) => a - b);
    // Five emails at two a second span at least two windows.
    expect(times[4] - times[0]).toBeGreaterThanOrEqual(1500);
    expect(stack.worker.output).toMatch(/"queue":"emails".*"perSecond":2/);
  });
});
