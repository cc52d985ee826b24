import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Which key of API_KEYS `presented` is (its index), or -1; in constant time. Hashing first
 * gives equal lengths, so neither a key's length nor its content leaks through timing,
 * and every key is compared (no early exit).
 */
export function bootstrapKeyIndex(presented: string, accepted: readonly string[]): number {
  const given = digest(presented);
  let found = -1;
  accepted.forEach((secret, index) => {
    if (timingSafeEqual(given, digest(secret)) && found < 0) found = index;
  });
  return found;
}
