import { createHash, randomBytes } from 'node:crypto';

/** Every project key starts so: a scanner (or a person) can tell a Stevedore key when one leaks. */
export const KEY_PREFIX = 'stv_';

/** A new key: 32 random bytes (256 bits), so a plain SHA-256 is a safe way to store it. */
export function newApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored of a key, and what a presented key is looked up by. */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** The part of a key shown in lists so that people can tell their keys apart: `stv_AbCd1234`. */
export const keyDisplayPrefix = (key: string): string => key.slice(0, KEY_PREFIX.length + 8);
