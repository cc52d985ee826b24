import { randomBytes } from 'node:crypto';
import { SecretCipher, SecretUnreadableError } from './secret-cipher';
import { cipherFromEnv } from './secrets-key';

describe('SecretCipher (AES-256-GCM, the name as additional data)', () => {
  const cipher = new SecretCipher(randomBytes(32));

  it('opens what it sealed, unicode and 8 KB alike', () => {
    for (const value of ['p4ssw0rd', 'clé → 🔑', 'x'.repeat(8192)])
      expect(cipher.open('TOKEN', cipher.seal('TOKEN', value))).toBe(value);
  });

  it('stores no plaintext and a fresh IV on every write', () => {
    const a = cipher.seal('TOKEN', 'the same value');
    const b = cipher.seal('TOKEN', 'the same value');
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('latin1')).not.toContain('same value');
  });

  it('refuses a tampered ciphertext, IV or tag', () => {
    const sealed = cipher.seal('TOKEN', 'p4ssw0rd');
    const flip = (buf: Buffer) => Buffer.from(buf.map((byte, i) => (i === 0 ? byte ^ 1 : byte)));
    for (const altered of [
      { ...sealed, ciphertext: flip(sealed.ciphertext) },
      { ...sealed, iv: flip(sealed.iv) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, tag: sealed.tag.subarray(0, 4) },
    ])
      expect(() => cipher.open('TOKEN', altered)).toThrow(/Secret TOKEN cannot be decrypted/);
  });

  it('refuses a value moved to another name', () => {
    expect(() => cipher.open('OTHER', cipher.seal('TOKEN', 'p4ssw0rd'))).toThrow(
      /Secret OTHER cannot be decrypted: its stored value was altered or belongs to another name/,
    );
  });

  it('refuses a value sealed under another key, saying the key changed', () => {
    const sealed = cipher.seal('TOKEN', 'p4ssw0rd');
    const other = new SecretCipher(randomBytes(32));
    expect(() => other.open('TOKEN', sealed)).toThrow(/was stored under another SECRETS_KEY/);
    // Even with the fingerprint forged, GCM itself refuses the wrong key.
    expect(() => other.open('TOKEN', { ...sealed, keyId: other.keyId })).toThrow(SecretUnreadableError);
  });

  it('reads SECRETS_KEY as base64 or hex, and none when unset', () => {
    const key = randomBytes(32);
    const sealed = cipherFromEnv({ SECRETS_KEY: key.toString('base64') })!.seal('A', 'value');
    expect(cipherFromEnv({ SECRETS_KEY: key.toString('hex') })!.open('A', sealed)).toBe('value');
    expect(cipherFromEnv({ SECRETS_KEY: undefined })).toBeUndefined();
  });
});
