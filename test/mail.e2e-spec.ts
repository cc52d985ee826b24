import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { AppConfig } from '../src/config/app-config.service';
import { parseEnv } from '../src/config/env.schema';
import { MailService } from '../src/mail/mail.service';
import { freePort } from './helpers/free-port';
import { baseEnv } from './helpers/test-env';

/** The shared mail module against a real SMTP server, and its .eml fallback. */
describe('MailService', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-mail-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const serviceWith = (overrides: Record<string, string>) =>
    new MailService(new AppConfig(parseEnv(baseEnv({ ARTIFACTS_DIR: dir, ...overrides }))));

  it('writes an .eml file under ARTIFACTS_DIR/mail when MAIL_HOST is unset', async () => {
    const mail = serviceWith({ MAIL_FROM: 'Stevedore <noreply@example.com>' });
    const sent = await mail.send({ to: 'qa@example.com', subject: 'Hello', text: 'Body text' });
    mail.onApplicationShutdown();
    const files = await readdir(join(dir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const eml = await readFile(join(dir, 'mail', files[0]), 'utf8');
    expect(eml).toMatch(/^Subject: Hello\r$/m);
    expect(eml).toMatch(/^To: qa@example.com\r$/m);
    expect(eml).toMatch(/^From: Stevedore <noreply@example.com>\r$/m);
    expect(eml).toContain('Body text');
    expect(sent.response).toBe(join(dir, 'mail', files[0]));
  });

  it('delivers over SMTP to MAIL_HOST', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const mail = serviceWith({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(port) });
    try {
      const sent = await mail.send({ to: 'dev@example.com', subject: 'Over SMTP', text: 'Delivered' });
      expect(sent.messageId).toMatch(/^<.+>$/);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/^Subject: Over SMTP$/m);
      expect(received[0]).toContain('Delivered');
    } finally {
      mail.onApplicationShutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
