import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink, SmtpSinkOptions } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';
import { WireTap } from './helpers/wire-tap';

const USER = 'stevedore-mailer';
const PASS = 'correct-horse-battery-staple';
const INSECURE_WARNING = /MAIL_ALLOW_INSECURE_AUTH=true: TLS is not required/;

/** Every form the password takes in an AUTH exchange (PLAIN, LOGIN, as is). */
const passwordForms = [
  PASS,
  Buffer.from(PASS).toString('base64'),
  Buffer.from(`\0${USER}\0${PASS}`).toString('base64'),
];

/**
 * SMTP credentials only ever travel over TLS unless the operator says otherwise: real API
 * and worker processes, a real SMTP server (smtp-server) behind a relay that keeps every
 * byte the worker sent, as anyone on the path would see them.
 */
describe('SMTP credentials and TLS', () => {
  let dir: string;
  let sink: SmtpSink;
  let tap: WireTap;
  let stack: Stack | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stevedore-tls-'));
    // A self-signed certificate for 127.0.0.1, trusted by the worker through MAIL_TLS_CA_FILE.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    await tap?.stop();
    await sink?.stop();
  });

  const start = async (sinkOptions: SmtpSinkOptions, env: Record<string, string> = {}) => {
    sink = new SmtpSink({ credentials: { user: USER, pass: PASS }, ...sinkOptions });
    await sink.start();
    tap = await new WireTap(sink.port).start();
    // Assigned before it starts, so afterEach stops a stack that failed to start too.
    const s = (stack = new Stack(
      baseEnv({
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(tap.port),
        MAIL_USER: USER,
        MAIL_PASSWORD: PASS,
        MAIL_TIMEOUT_MS: '5000',
        ...env,
      }),
    ));
    return s.start();
  };

  const sendAndWait = async (s: Stack, to: string) => {
    const { id } = await json(await s.request('/api/emails', { body: { to, subject: 'TLS check', text: 'hello' } }));
    return pollUntil(
      async () => json(await s.request(`/api/emails/${id}`)),
      (e) => e.status === 'sent' || e.status === 'failed',
      20000,
      `email ${id} ended`,
    );
  };

  const cleartext = () => tap.clientBytes().toString('latin1');

  it('never sends AUTH to a server without STARTTLS: the email fails at once, saying why', async () => {
    const s = await start({});
    const email = await sendAndWait(s, 'plain@example.com');
    expect(email).toMatchObject({ status: 'failed', attempts: 1 });
    expect(email.lastError).toContain('does not offer STARTTLS');
    expect(email.lastError).toContain('the password was not sent');
    expect(email.lastError).toContain('MAIL_ALLOW_INSECURE_AUTH');
    // At the server and on the wire: no AUTH command, no form of the password.
    expect(sink.auths).toEqual([]);
    expect(cleartext()).toMatch(/^STARTTLS\r$/m);
    expect(cleartext()).not.toMatch(/^AUTH/im);
    for (const form of passwordForms) expect(cleartext()).not.toContain(form);
    expect(sink.received).toHaveLength(0);
    expect(s.worker.output).not.toMatch(INSECURE_WARNING);
  });

  it('sends in the clear only with MAIL_ALLOW_INSECURE_AUTH=true, which the worker warns about once at start', async () => {
    const s = await start({}, { MAIL_ALLOW_INSECURE_AUTH: 'true' });
    expect(await sendAndWait(s, 'insecure-1@example.com')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await sendAndWait(s, 'insecure-2@example.com')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sink.auths.length).toBeGreaterThanOrEqual(1);
    expect(sink.auths.every((a) => a.username === USER && !a.secure)).toBe(true);
    const warnings = s.worker.output.split('\n').filter((line) => INSECURE_WARNING.test(line));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 40 });
    expect(s.api.output).not.toMatch(INSECURE_WARNING);
  });

  it('authenticates over STARTTLS when the server offers it', async () => {
    const s = await start(
      {
        starttls: {
          key: readFileSync(join(dir, 'key.pem'), 'utf8'),
          cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
        },
      },
      { MAIL_TLS_CA_FILE: join(dir, 'cert.pem') },
    );
    expect(await sendAndWait(s, 'tls@example.com')).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sink.auths).toEqual([{ username: USER, secure: true }]);
    expect(sink.to('tls@example.com')).toHaveLength(1);
    // Before STARTTLS only EHLO went in the clear; the rest (AUTH, the message) is ciphertext.
    expect(cleartext()).toMatch(/^STARTTLS\r$/m);
    expect(cleartext()).not.toMatch(/^AUTH/im);
    expect(cleartext()).not.toContain('TLS check');
    for (const form of passwordForms) expect(cleartext()).not.toContain(form);
  });
});
