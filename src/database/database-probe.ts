import { Client } from 'pg';

/** Causes that usually pass on their own (PostgreSQL starting beside the app): tried again until the deadline. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  '57P03',
]);
const RETRY_EVERY_MS = 1000;
const ATTEMPT_TIMEOUT_MS = 5000;

export interface ProbeVerdict {
  ok: boolean;
  /** What went wrong, in PostgreSQL's or the network's words, with the address it was tried at. */
  cause?: string;
  transient?: boolean;
}

/** The URL as it may be shown: user, host, port, database; never the password. */
export function describeDatabaseUrl(url: string): string {
  const u = new URL(url);
  const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
  return `${u.protocol}//${user}${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/** One cause, one line: PostgreSQL's own message (`database "x" does not exist`), or the refused address. */
export function causeOf(error: unknown, url: string): ProbeVerdict {
  const e = error as { code?: string; message?: string; address?: string; port?: number };
  const { hostname, port } = new URL(url);
  const at = `${e.address ?? hostname}:${e.port ?? (port || 5432)}`;
  const code = e.code ?? '';
  const transient = TRANSIENT_CODES.has(code) || /timeout/i.test(e.message ?? '');
  if (code === 'ECONNREFUSED') return { ok: false, transient, cause: `connection refused at ${at}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { ok: false, transient, cause: `host "${hostname}" not found` };
  if (/timeout/i.test(e.message ?? ''))
    return { ok: false, transient, cause: `no answer from ${at} within ${ATTEMPT_TIMEOUT_MS / 1000} s` };
  return { ok: false, transient, cause: (e.message ?? String(error)).replace(/\s+/g, ' ') };
}

async function probe(url: string): Promise<ProbeVerdict> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS });
  // A connection that drops later must not surface as an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return causeOf(error, url);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects once before the app is built, so a wrong DATABASE_URL is one line naming the
 * cause and exit 1, like a malformed value (TypeORM's own retries would print ten stack
 * traces over seconds with the cause buried). Refused, unresolved or unanswered connections
 * are tried again every second for up to `timeoutMs` (PostgreSQL starting beside the
 * app, as in compose), one line per attempt; a wrong database, user or password fails at once.
 */
export async function waitForDatabaseOrExit(
  url: string,
  timeoutMs: number,
  write = (line: string) => process.stderr.write(`${line}\n`),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const where = describeDatabaseUrl(url);
  for (let attempt = 1; ; attempt++) {
    const verdict = await probe(url);
    if (verdict.ok) return;
    const left = deadline - Date.now();
    if (!verdict.transient || left <= 0) {
      write(`Cannot connect to the database (DATABASE_URL ${where}): ${verdict.cause}`);
      process.exit(1);
    }
    write(
      `Database not reachable yet (DATABASE_URL ${where}): ${verdict.cause}; attempt ${attempt}, retrying for ${Math.ceil(left / 1000)} s more (DATABASE_CONNECT_TIMEOUT_MS)`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_EVERY_MS, left)));
  }
}
