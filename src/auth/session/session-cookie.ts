/** The dashboard's session cookie: its name, how it is read and how it is written. */
export const SESSION_COOKIE = 'stv_session';

/** A session id as made by SessionStore: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The session id a request's Cookie header carries, if it is shaped like one. */
export function sessionIdFrom(cookieHeader: string | string[] | undefined): string | undefined {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (SESSION_ID.test(value)) return value;
  }
  return undefined;
}

/**
 * The Set-Cookie value of a session: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), Secure when the request came over https (directly or through a proxy
 * that says so in X-Forwarded-Proto), Path=/ so the trace viewer's service worker sends it too.
 */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that makes the browser forget the session. */
export const clearedSessionCookie = (secure: boolean): string => sessionCookie('', 0, secure);
