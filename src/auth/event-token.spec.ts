import { createHash } from 'node:crypto';
import { checkEventToken, EVENT_TOKEN_TTL_MS, mintEventToken } from './event-token';

const hash = (key: string) => createHash('sha256').update(key).digest();
const KEY = hash('key-one-0123456789abcdef');
const OTHER_KEY = hash('key-two-0123456789abcdef');
const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const PROJECT = '00000000-0000-4000-8000-000000000001';
const NOW = 1_800_000_000_000;
const target = { project: PROJECT, kind: 'run' as const, id: ID };

describe('event tokens', () => {
  it('open the stream they were minted for, with any instance holding the same keys', () => {
    const { token, expiresAt } = mintEventToken(KEY, 'env', target, NOW);
    expect(expiresAt.getTime()).toBe(NOW + EVENT_TOKEN_TTL_MS);
    expect(checkEventToken(token, [OTHER_KEY, KEY], 'run', ID, NOW + 1000)).toEqual({
      ok: true,
      claims: expect.objectContaining({ project: PROJECT, signer: 'env', id: ID }),
    });
  });

  it('open nothing else: another kind, another id, after expiry, or once their key is removed', () => {
    const { token } = mintEventToken(KEY, 'env', target, NOW);
    expect(checkEventToken(token, [KEY], 'suite', ID, NOW).ok).toBe(false);
    expect(checkEventToken(token, [KEY], 'run', ID.replace('3b', '4b'), NOW).ok).toBe(false);
    expect(checkEventToken(token, [KEY], 'run', ID, NOW + EVENT_TOKEN_TTL_MS)).toEqual({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    expect(checkEventToken(token, [OTHER_KEY], 'run', ID, NOW).ok).toBe(false);
  });

  it('refuse forged and malformed tokens', () => {
    const { token } = mintEventToken(KEY, 'env', target, NOW);
    const [payload, signature] = token.split('.');
    const claims = { purpose: 'sse', kind: 'run', id: ID, project: PROJECT, signer: 'env', exp: NOW * 2 };
    const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const notJson = Buffer.from('{"purpose":').toString('base64url');
    for (const bad of [
      `${forged}.${signature}`,
      `${notJson}.${signature}`,
      payload,
      `${payload}.`,
      `${payload}.${signature}.x`,
      '',
      'key-one-0123456789abcdef',
      '..',
      `${payload}.AAAA`,
    ]) {
      expect(checkEventToken(bad, [KEY], 'run', ID, NOW).ok).toBe(false);
    }
  });
});
