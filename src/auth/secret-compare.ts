import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Constant-time check of a presented secret against the accepted ones. Hashing first
 * gives equal lengths, so neither the secret's length nor its content leaks through timing.
 */
export function matchesAnySecret(presented: string, accepted: readonly string[]): boolean {
  const given = digest(presented);
  let found = false;
  for (const secret of accepted) {
    // No early exit: every key is compared.
    found = timingSafeEqual(given, digest(secret)) || found;
  }
  return found;
}
