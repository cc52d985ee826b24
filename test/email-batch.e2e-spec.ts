import { Client } from 'pg';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_DATABASE_URL } from './helpers/test-env';

const tag = () => Math.random().toString(36).slice(2, 8);

/** POST /api/emails/batch and GraphQL's sendEmails through a real API, worker and SMTP server. */
describe('email batches', () => {
  const sink = new SmtpSink();
  let stack: Stack;
  let db: Client;

  /** Emails stored for these recipients (a batch must store all of its emails or none). */
  const storedFor = async (addresses: string[]) =>
    (await db.query('SELECT count(*)::int AS n FROM emails WHERE "to" && $1::text[]', [addresses])).rows[0].n as number;
  const waitSent = (ids: string[]) =>
    pollUntil(
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM emails WHERE id = ANY($1) AND status = 'sent'`, [ids])).rows[0]
          .n,
      (n) => n === ids.length,
      30000,
      `${ids.length} emails sent`,
    );

  beforeAll(async () => {
    await sink.start();
    stack = await new Stack(baseEnv({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(sink.port) })).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await stack?.stop();
    await sink.stop();
    await db?.end();
  });

  it('queues every email of a batch in its order, and each is delivered once', async () => {
    const t = tag();
    const [raw, templated, keyed] = ['raw', 'tmpl', 'keyed'].map((name) => `${name}-${t}@example.com`);
    const res = await stack.request('/api/emails/batch', {
      body: {
        emails: [
          { to: [raw], subject: `Raw ${t}`, text: 'First of three' },
          { to: [templated], template: 'welcome', variables: { name: 'Grace', email: templated } },
          { to: [keyed], subject: `Keyed ${t}`, html: '<p>Third</p>', idempotencyKey: `batch-${t}` },
        ],
      },
    });
    expect(res.status).toBe(202);
    const { emails } = await json(res);
    expect(emails).toEqual([
      { id: expect.any(String), status: 'queued', created: true },
      { id: expect.any(String), status: 'queued', created: true },
      { id: expect.any(String), status: 'queued', created: true },
    ]);
    await waitSent(emails.map((e: { id: string }) => e.id));
    expect(sink.to(raw)[0].raw).toContain(`Subject: Raw ${t}`);
    expect(sink.to(templated)[0].raw).toContain('Grace');
    expect(sink.to(keyed)[0].raw).toContain('<p>Third</p>');
    // Each the email its place says: the keyed one is the third.
    expect(json(await stack.request(`/api/emails/${emails[2].id}`))).resolves.toMatchObject({ to: [keyed] });

    // Its key again, in a new batch, and as POST /api/emails's header: the same email, not sent again.
    const again = await json(
      await stack.request('/api/emails/batch', {
        body: {
          emails: [
            { to: [`new-${t}@example.com`], subject: 'New', text: 'x' },
            { to: [keyed], subject: 'Changed', text: 'y', idempotencyKey: `batch-${t}` },
          ],
        },
      }),
    );
    expect(again.emails[0].created).toBe(true);
    expect(again.emails[1]).toEqual({ id: emails[2].id, status: expect.any(String), created: false });
    const single = await stack.request('/api/emails', {
      body: { to: [keyed], subject: 'Other', text: 'z' },
      headers: { 'Idempotency-Key': `batch-${t}` },
    });
    expect((await json(single)).id).toBe(emails[2].id);
    await waitSent([again.emails[0].id]);
    expect(sink.to(keyed)).toHaveLength(1);
  });

  it('stores nothing when any email is wrong, and names each by its index', async () => {
    const t = tag();
    const good = `good-${t}@example.com`;
    const res = await stack.request('/api/emails/batch', {
      body: {
        emails: [
          { to: [good], subject: 'Fine', text: 'fine' },
          { to: ['nobody'], subject: 'Bad recipient', text: 'x' },
          { to: [`tmpl-${t}@example.com`], template: 'no-such-template' },
          { to: [`key-${t}@example.com`], subject: 'a', text: 'b', idempotencyKey: `dup-${t}` },
          { to: [`key2-${t}@example.com`], subject: 'a', text: 'b', idempotencyKey: `dup-${t}` },
          { to: [`mix-${t}@example.com`], template: 'welcome', subject: 'both' },
        ],
      },
    });
    expect(res.status).toBe(400);
    const { message } = await json(res);
    expect(message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^emails\[1\]\.to\[0\] must be an email address/),
        'emails[4].idempotencyKey is already the key of emails[3]',
        'emails[5] give either template or subject, not both',
      ]),
    );
    expect(message.some((line: string) => line.startsWith('emails[0]'))).toBe(false);
    expect(await storedFor([good])).toBe(0);

    // A template that does not exist is found when rendering, after the schema: still nothing stored.
    const unknown = await stack.request('/api/emails/batch', {
      body: {
        emails: [
          { to: [good], subject: 'Fine', text: 'fine' },
          { to: [good], template: 'no-such-template' },
        ],
      },
    });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toEqual([expect.stringMatching(/^emails\[1\] .*no-such-template/)]);
    expect(await storedFor([good])).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(good)).toHaveLength(0);
  });

  it.each([
    ['an empty batch', { emails: [] }, 'emails must hold at least 1 email'],
    ['no emails field', {}, 'emails must be an array of emails'],
    ['an email that is not an object', { emails: ['x'] }, 'emails[0] must be a JSON object'],
    ['an unknown field', { emails: [], extra: 1 }, 'property extra should not exist'],
    [
      'too many emails',
      { emails: Array.from({ length: 501 }, (_, i) => ({ to: [`n${i}@example.com`], subject: 's', text: 't' })) },
      'emails must hold at most 500 emails',
    ],
  ])('answers 400 on %s', async (_name, body, line) => {
    const res = await stack.request('/api/emails/batch', { body });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain(line);
  });

  it('queues a batch from GraphQL, with the REST validation text', async () => {
    const t = tag();
    const addresses = [`gql-a-${t}@example.com`, `gql-b-${t}@example.com`];
    const mutation = 'mutation ($input: SendEmailBatchInput!) { sendEmails(input: $input) { id status to } }';
    const { data, errors } = await stack.graphql(mutation, {
      input: { emails: addresses.map((to) => ({ to: [to], subject: `GraphQL ${t}`, text: 'hi' })) },
    });
    expect(errors).toBeUndefined();
    expect(data.sendEmails.map((e: { to: string[] }) => e.to[0])).toEqual(addresses);
    await waitSent(data.sendEmails.map((e: { id: string }) => e.id));

    const bad = await stack.graphql(mutation, {
      input: { emails: [{ to: [`x-${t}@example.com`], subject: 's', text: 't', idempotencyKey: '' }] },
    });
    expect(bad.data).toBeNull();
    expect(JSON.stringify(bad.errors)).toContain('emails[0].idempotencyKey must be 1 to 255 visible ASCII characters');
  });
});
