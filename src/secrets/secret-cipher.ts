import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** A value as stored: AES-256-GCM's output and what is needed to check and open it. */
export interface SealedSecret {
  /** 12 random bytes, new on every write: GCM must never see one IV twice under one key. */
  iv: Buffer;
  ciphertext: Buffer;
  /** GCM's 16-byte authentication tag: any change to the ciphertext, IV or name fails the check. */
  tag: Buffer;
  /** Which SECRETS_KEY sealed it (keyIdOf): tells "the key changed" from "the row was altered". */
  keyId: string;
}

/** Why a stored secret could not be opened; the message names the secret, never its value. */
export class SecretUnreadableError extends Error {
  constructor(
    readonly secretName: string,
    reason: string,
  ) {
    super(`Secret ${secretName} ${reason}`);
    this.name = 'SecretUnreadableError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A fingerprint of the key, stored with each value: an HMAC of a fixed label, so it says
 * nothing about the key, only whether two keys are the same.
 */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('stevedore secrets key id v1').digest('hex').slice(0, 16);
}

/**
 * The name as GCM's additional authenticated data: a value sealed for one name fails to
 * open under another, so copying a row's ciphertext onto another name gains nothing.
 */
const aad = (name: string) => Buffer.from(`stevedore secret v1\0${name}`, 'utf8');

/** Encrypts and decrypts secret values with one SECRETS_KEY (32 bytes). */
export class SecretCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
    this.keyId = keyIdOf(key);
  }

  seal(name: string, value: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv, ciphertext, tag: cipher.getAuthTag(), keyId: this.keyId };
  }

  /** The value sealed for `name`; throws SecretUnreadableError when it cannot be trusted. */
  open(name: string, sealed: SealedSecret): string {
    if (sealed.keyId !== this.keyId)
      throw new SecretUnreadableError(
        name,
        'was stored under another SECRETS_KEY (the key changed since): store it again with POST /api/secrets',
      );
    // A short tag would weaken the check: Node accepts 4 to 16 bytes unless told the length.
    if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES)
      throw new SecretUnreadableError(name, 'cannot be decrypted: its stored form is damaged');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(name));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(
        name,
        'cannot be decrypted: its stored value was altered or belongs to another name; store it again with POST /api/secrets',
      );
    }
  }
}
