import type { Env } from '../config/env.schema';
import { secretsKeyBytes } from '../config/env.schema';
import { SecretCipher } from './secret-cipher';

/** What a process without SECRETS_KEY says when asked to store or reveal a secret. */
export const NO_SECRETS_KEY =
  'SECRETS_KEY is not set: secrets cannot be stored or read. Set it to 32 random bytes ' +
  '(`openssl rand -base64 32`) on the API and every worker, the same value everywhere, and restart them';

/** The cipher of this process's SECRETS_KEY, or undefined when it is unset (env.schema checked its form). */
export function cipherFromEnv(env: Pick<Env, 'SECRETS_KEY'>): SecretCipher | undefined {
  const bytes = env.SECRETS_KEY === undefined ? undefined : secretsKeyBytes(env.SECRETS_KEY);
  return bytes && new SecretCipher(bytes);
}
