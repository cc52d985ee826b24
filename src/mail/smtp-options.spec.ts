import { parseEnv } from '../config/env.schema';
import { allowsCleartextPassword, smtpOptions } from './smtp-options';

const env = (extra: Record<string, string>) =>
  parseEnv({
    API_KEYS: 'key-0123456789abcdef',
    BULL_BOARD_PASSWORD: 'password123',
    MAIL_HOST: 'smtp.example.com',
    ...extra,
  });

describe('smtpOptions', () => {
  it('requires STARTTLS whenever credentials are set', () => {
    const options = smtpOptions(env({ MAIL_USER: 'u', MAIL_PASSWORD: 'p' }));
    expect(options).toMatchObject({ secure: false, requireTLS: true, auth: { user: 'u', pass: 'p' } });
  });

  it('uses implicit TLS on port 465', () => {
    expect(smtpOptions(env({ MAIL_PORT: '465', MAIL_USER: 'u' }))).toMatchObject({ secure: true, requireTLS: false });
  });

  it('takes STARTTLS when offered, without requiring it, when there is nothing secret to send', () => {
    expect(smtpOptions(env({}))).toMatchObject({ secure: false, requireTLS: false, auth: undefined });
  });

  it('lets MAIL_ALLOW_INSECURE_AUTH turn the requirement off, and says so', () => {
    const insecure = env({ MAIL_USER: 'u', MAIL_ALLOW_INSECURE_AUTH: 'true' });
    expect(smtpOptions(insecure).requireTLS).toBe(false);
    expect(allowsCleartextPassword(insecure)).toBe(true);
    expect(allowsCleartextPassword(env({ MAIL_USER: 'u' }))).toBe(false);
    expect(allowsCleartextPassword(env({ MAIL_ALLOW_INSECURE_AUTH: 'true' }))).toBe(false);
    expect(allowsCleartextPassword(env({ MAIL_USER: 'u', MAIL_PORT: '465', MAIL_ALLOW_INSECURE_AUTH: 'true' }))).toBe(
      false,
    );
  });

  it('refuses a MAIL_TLS_CA_FILE that cannot be read, naming the key', () => {
    expect(() => env({ MAIL_TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      'MAIL_TLS_CA_FILE must be the path of a readable file',
    );
  });
});
