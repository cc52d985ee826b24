import { createHash } from 'node:crypto';
import { Agent, Dispatcher, request } from 'undici';
import { sleep } from './abortable-sleep';
import type { AddressPolicy } from '../../egress/address-policy';
import { EgressRefusedError, guardedAgent } from '../../egress/guarded-agent';

export const HTML_TYPES = ['text/html', 'application/xhtml+xml'];
const MAX_REDIRECTS = 10;
const MAX_RETRY_AFTER_MS = 30_000;

export interface FetchSettings {
  userAgent: string;
  maxBytes: number;
  timeoutMs: number;
  /** Extra attempts for network errors, 429 and 5xx. */
  retries: number;
  retryBaseMs: number;
}

/** What one URL gave: a body, or why not. Never thrown: a failed page is a result. */
export interface FetchedPage {
  finalUrl: string;
  statusCode: number | null;
  contentType: string | null;
  body: string | null;
  contentHash: string | null;
  error: string | null;
}

/** What one fetch may read, and how. */
export interface FetchOptions {
  /** Content types read (the MIME type, lower case; '' for none); `any` reads whatever comes. Default HTML. */
  accept?: readonly string[] | 'any';
  /** Default 10. */
  maxRedirects?: number;
  /** Read at most this many bytes and keep them (robots.txt), instead of failing a larger body. */
  truncateAt?: number;
  /** Asked before every request, redirect hops included: a reason refuses the URL unfetched. */
  refuse?: (url: string) => string | undefined;
}

/** The page took longer than the page timeout: a result, not retried. */
class PageTimeout extends Error {}

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NOT_RETRIED_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED']);

/**
 * Fetches pages for scrapes with undici, safely: every connection goes to an address the
 * egress policy checked at connect time (so DNS cannot change the answer in between, and
 * every redirect hop is a new check), at most 10 redirects, a per-page timeout, a body
 * cap enforced while streaming, an allowlist of content types, an identifying User-Agent,
 * and retries with backoff for network errors, 429 (honouring Retry-After) and 5xx.
 */
export class PageFetcher {
  private readonly agent: Agent;

  constructor(
    policy: AddressPolicy,
    private readonly settings: FetchSettings,
  ) {
    this.agent = guardedAgent(policy, {
      connectTimeoutMs: Math.min(10_000, settings.timeoutMs),
      keepAliveTimeoutMs: 4_000,
    });
  }

  /** Resolves with the page or its error; rejects only when `signal` aborts (cancel, timeout of the scrape). */
  async fetch(url: string, signal: AbortSignal, options: FetchOptions = {}): Promise<FetchedPage> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(url, signal, options);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const retryable = error instanceof Retryable;
        if (!retryable || attempt >= this.settings.retries) return failedPage(url, null, (error as Error).message);
        const backoff = this.settings.retryBaseMs * 2 ** attempt * (0.5 + Math.random());
        await sleep(Math.max(backoff, error.retryAfterMs ?? 0), signal);
      }
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /**
   * One try of the whole redirect chain within the page timeout. The timeout is a plain
   * timer cleared at the end: AbortSignal.timeout() would keep every finished request (and
   * its body, through undici's abort listener) alive until it fires.
   */
  private async attempt(url: string, signal: AbortSignal, options: FetchOptions): Promise<FetchedPage> {
    const abort = new AbortController();
    const onStop = () => abort.abort(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(
      () => abort.abort(new PageTimeout(`timed out after ${this.settings.timeoutMs} ms`)),
      this.settings.timeoutMs,
    );
    try {
      return await this.follow(url, abort.signal, options);
    } catch (error) {
      if (abort.signal.reason instanceof PageTimeout && !signal.aborted) throw abort.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onStop);
    }
  }

  private async follow(url: string, signal: AbortSignal, options: FetchOptions): Promise<FetchedPage> {
    const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
    const seen = new Set([url]);
    let current = url;
    for (let hop = 0; ; hop++) {
      const protocol = new URL(current).protocol;
      if (protocol !== 'http:' && protocol !== 'https:')
        return failedPage(current, null, `redirected to a ${protocol} URL`);
      const refusal = options.refuse?.(current);
      if (refusal !== undefined) return failedPage(current, null, refusal);
      const res = await this.send(current, signal);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump();
        if (hop + 1 > maxRedirects)
          return failedPage(current, res.statusCode, `too many redirects (more than ${maxRedirects})`);
        const next = new URL(location, current).href.replace(/#.*$/, '');
        if (seen.has(next)) return failedPage(current, res.statusCode, `redirect loop at ${next}`);
        seen.add(next);
        current = next;
        continue;
      }
      return this.read(current, res, options, signal);
    }
  }

  private async send(url: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        headers: { 'user-agent': this.settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' },
        signal,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
      });
    } catch (error) {
      throw this.classify(error as Error & { code?: string; cause?: unknown }, signal);
    }
  }

  private classify(error: Error & { code?: string; cause?: unknown }, signal: AbortSignal): Error {
    if (signal.aborted) return signal.reason instanceof PageTimeout ? signal.reason : error;
    const refusal = [error, error.cause].find((e) => e instanceof EgressRefusedError);
    if (refusal) return new Error(`refused by the egress guard: ${(refusal as Error).message}`);
    if (error.name === 'TimeoutError' || (error.code && NOT_RETRIED_CODES.has(error.code)))
      return new Error(`timed out after ${this.settings.timeoutMs} ms`);
    return new Retryable(`network error: ${error.code ?? error.message}`);
  }

  private async read(
    url: string,
    res: Dispatcher.ResponseData,
    options: FetchOptions,
    signal: AbortSignal,
  ): Promise<FetchedPage> {
    const accept = options.accept ?? HTML_TYPES;
    const status = res.statusCode;
    const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null;
    if (status === 429 || status >= 500) {
      await res.body.dump();
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS)
        return failedPage(url, status, `HTTP ${status} (Retry-After ${Math.round(retryAfterMs / 1000)} s is too long)`);
      throw new Retryable(`HTTP ${status}`, retryAfterMs);
    }
    if (status >= 400) {
      await res.body.dump();
      return failedPage(url, status, `HTTP ${status}`, contentType);
    }
    const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (accept !== 'any' && !accept.includes(mime)) {
      discard(res.body);
      return failedPage(url, status, `unsupported content type ${mime || '(none)'}`, contentType);
    }
    const declared = Number(res.headers['content-length']);
    if (options.truncateAt === undefined && declared > this.settings.maxBytes) {
      discard(res.body);
      return failedPage(
        url,
        status,
        `page larger than ${this.settings.maxBytes} bytes (Content-Length ${declared})`,
        contentType,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (options.truncateAt !== undefined && size >= options.truncateAt) {
          chunks.push(chunk as Buffer);
          discard(res.body);
          break;
        }
        if (options.truncateAt === undefined && size > this.settings.maxBytes) {
          discard(res.body);
          return failedPage(url, status, `page larger than ${this.settings.maxBytes} bytes`, contentType);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw this.classify(error as Error & { code?: string }, signal);
    }
    const bytes =
      options.truncateAt === undefined ? Buffer.concat(chunks) : Buffer.concat(chunks).subarray(0, options.truncateAt);
    return {
      finalUrl: url,
      statusCode: status,
      contentType,
      body: decode(bytes, contentType),
      contentHash: createHash('sha256').update(bytes).digest('hex'),
      error: null,
    };
  }
}

/** Stops reading a body we do not want; destroying it emits an error nobody else listens to. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** A page that was not fetched (or not kept): why, and what was learnt of it. */
export function failedPage(
  finalUrl: string,
  statusCode: number | null,
  error: string,
  contentType: string | null = null,
): FetchedPage {
  return { finalUrl, statusCode, contentType, body: null, contentHash: null, error };
}

function decode(bytes: Buffer, contentType: string | null): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
