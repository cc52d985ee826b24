import { checkEventToken, EVENT_TOKEN_TTL_MS, mintEventToken } from './event-token';

const KEY = 'key-one-0123456789abcdef';
const OTHER_KEY = 'key-two-0123456789abcdef';
const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const NOW = 1_800_000_000_000;

describe('event tokens', () => {
  it('open the stream they were minted for, with any instance holding the same keys', () => {
    const { token, expiresAt } = mintEventToken(KEY, 'run', ID, NOW);
    expect(expiresAt.getTime()).toBe(NOW + EVENT_TOKEN_TTL_MS);
    expect(checkEventToken(token, [OTHER_KEY, KEY], 'run', ID, NOW + 1000)).toEqual({ ok: true });
  });

  it('open nothing else: another kind, another id, after expiry, or once their key is removed', () => {
    const { token } = mintEventToken(KEY, 'run', ID, NOW);
    expect(checkEventToken(token, [KEY], 'suite', ID, NOW).ok).toBe(false);
    expect(checkEventToken(token, [KEY], 'run', ID.replace('3b', '4b'), NOW).ok).toBe(false);
    expect(checkEventToken(token, [KEY], 'run', ID, NOW + EVENT_TOKEN_TTL_MS)).toEqual({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    expect(checkEventToken(token, [OTHER_KEY], 'run', ID, NOW).ok).toBe(false);
  });

  it('refuse forged and malformed tokens', () => {
    const { token } = mintEventToken(KEY, 'run', ID, NOW);
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ purpose: 'sse', kind: 'run', id: ID, exp: NOW * 2 })).toString(
      'base64url',
    );
    for (const bad of [
      `${forged}.${signature}`,
      payload,
      `${payload}.`,
      `${payload}.${signature}.x`,
      '',
      KEY,
      '..',
      `${payload}.AAAA`,
    ]) {
      expect(checkEventToken(bad, [KEY], 'run', ID, NOW).ok).toBe(false);
    }
  });
});
