/**
 * The page's one way to the API: same origin, the session cookie (the browser sends it; the
 * page never sees it), and the session's CSRF token on every change. The key itself is never
 * kept: sign-in sends it once and forgets it.
 */

export interface Session {
  projectId: string;
  actor: string;
  scopes: Array<'read' | 'trigger' | 'admin'>;
  bootstrap: boolean;
  csrfToken: string | null;
  expiresAt: string | null;
}

/** A non-2xx answer: its status and the API's message lines. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly lines: string[],
  ) {
    super(lines.join('\n'));
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** Called when the API says the session is gone (signed out elsewhere, expired, key revoked). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => undefined)) as { message?: string | string[] } | undefined;
  const message = body?.message ?? res.statusText;
  return new ApiError(res.status, Array.isArray(message) ? message : [message]);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (res.status === 401 && path !== '/api/session') signedOutListeners.forEach((listener) => listener());
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The current session, or undefined when the browser is not signed in. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    const session = await api<Session>('/api/session');
    csrfToken = session.csrfToken;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
}

export async function signIn(key: string): Promise<Session> {
  const session = await api<Session>('/api/session', { body: { key } });
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  await api<void>('/api/session', { method: 'DELETE' });
  csrfToken = null;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
