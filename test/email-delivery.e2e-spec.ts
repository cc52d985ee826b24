import { Client } from 'pg';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_DATABASE_URL } from './helpers/test-env';

const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;

/**
 * What email delivery guarantees around the SMTP transaction (SMTP has no idempotency):
 * real API and worker processes, a real SMTP server, the real database.
 */
describe('email delivery around the SMTP transaction', () => {
  const sink = new SmtpSink();
  let release!: () => void;
  let stack: Stack;
  let db: Client;

  const email = async (id: string) => json(await stack.request(`/api/emails/${id}`));
  const post = async (to: string) =>
    (await json(await stack.request('/api/emails', { body: { to, subject: 'Once', text: 'only once' } }))).id as string;

  beforeAll(async () => {
    sink.hold((rcpt) => rcpt.startsWith('held-'), new Promise<void>((resolve) => (release = resolve)));
    sink.stall((rcpt, attempt) => rcpt.startsWith('cut-') && attempt === 1);
    await sink.start();
    // A short lock: a killed worker's job is taken over within seconds.
    stack = new Stack(
      baseEnv({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(sink.port), MAIL_TIMEOUT_MS: '60000', JOB_LOCK_MS: '3000' }),
    );
    await stack.start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    release?.();
    await stack?.stop();
    await sink.stop();
    await db?.end();
  });

  it('a message the server accepted but the database could not record is recorded by the retry, never sent again', async () => {
    const address = unique('held');
    const id = await post(address);
    await pollUntil(
      () => email(id),
      (e) => e.status === 'sending',
      15000,
      'email sending',
    );
    // The database refuses the `sent` write for this email while the server holds its 250.
    const name = `test_refuse_sent_${id.replace(/-/g, '')}`;
    await db.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${id}' AND NEW.status = 'sent' THEN RAISE EXCEPTION 'database refused the write (test)'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER ${name} BEFORE UPDATE ON emails FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    try {
      release();
      await pollUntil(
        async () => stack.worker.output,
        (out) => out.includes('Email accepted by SMTP but not recorded'),
        20000,
        'failed record',
      );
    } finally {
      await db.query(`DROP TRIGGER ${name} ON emails`);
      await db.query(`DROP FUNCTION ${name}()`);
    }
    const sent = await pollUntil(
      () => email(id),
      (e) => e.status === 'sent' || e.status === 'failed',
      30000,
      'email ended',
    );
    // One SMTP transaction: the retry only wrote the record.
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, messageId: `<${id}@stevedore>`, lastError: null });
    expect(sink.to(address)).toHaveLength(1);
    // Said once the record is written (the line follows the write, so read the log until it is there).
    await pollUntil(
      async () => stack.worker.output,
      (out) => out.includes('Email recorded as sent from its earlier accepted attempt; not sent again'),
      10000,
      'the retry saying it only recorded the send',
    );
  });

  it('an attempt cut off before the server accepted (worker killed) is sent once by the next worker, which says so', async () => {
    const address = unique('cut');
    const id = await post(address);
    // The server has the whole message and never answers: the worker dies waiting for its 250.
    await pollUntil(
      async () => sink.unanswered,
      (u) => u.includes(address),
      15000,
      'message taken, 250 withheld',
    );
    expect((await email(id)).status).toBe('sending');
    stack.worker.child.kill('SIGKILL');
    await stack.worker.waitExit(10000);

    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await stack.worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    const sent = await pollUntil(
      () => email(id),
      (e) => e.status === 'sent' || e.status === 'failed',
      60000,
      'email ended',
    );
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, messageId: `<${id}@stevedore>` });
    expect(sink.to(address)).toHaveLength(1);
    const said = stack.worker.output.split('\n').filter((line) => line.includes('attempt was cut off mid-send'));
    expect(said.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 40, emailId: id, attempt: 2, messageId: `<${id}@stevedore>` }),
    ]);
  });
});
