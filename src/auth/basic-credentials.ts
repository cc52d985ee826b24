/** What a browser sends after an HTTP Basic prompt; the realm both prompts (dashboards, reports) name. */
export const BASIC_CHALLENGE = 'Basic realm="Stevedore", charset="UTF-8"';

/** The user name and password of an `Authorization: Basic` header; undefined for any other header. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
