/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedApiKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1];
  }
  return undefined;
}

/** The key a socket.io client presents: `auth: { token }` on connect, else the same headers as HTTP. */
export function socketApiKey(handshake: {
  auth?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}): string | undefined {
  const token = handshake.auth?.token;
  if (typeof token === 'string' && token.length > 0) return token;
  return presentedApiKey(handshake.headers);
}
