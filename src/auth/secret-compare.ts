import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The accepted secrets' digests, computed once per list (API_KEYS is one list for the process's life). */
const digestsOf = new WeakMap<readonly string[], Buffer[]>();
function acceptedDigests(accepted: readonly string[]): Buffer[] {
  let digests = digestsOf.get(accepted);
  if (!digests) digestsOf.set(accepted, (digests = accepted.map(digest)));
  return digests;
}

/**
 * Which of the accepted secrets `presented` is (its index), or -1; in constant time.
 * Hashing first gives equal lengths, so neither a secret's length nor its content leaks
 * through timing, and every secret is compared (no early exit).
 */
export function matchingSecretIndex(presented: string, accepted: readonly string[]): number {
  const given = digest(presented);
  let found = -1;
  acceptedDigests(accepted).forEach((secret, index) => {
    if (timingSafeEqual(given, secret) && found < 0) found = index;
  });
  return found;
}

/** Constant-time check of a presented secret against the accepted ones (see matchingSecretIndex). */
export function matchesAnySecret(presented: string, accepted: readonly string[]): boolean {
  return matchingSecretIndex(presented, accepted) >= 0;
}
