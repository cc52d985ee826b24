import { createHmac } from 'node:crypto';
import type { Agent, Dispatcher } from 'undici';
import type { AddressPolicy } from './address-policy';
import { EgressRefusedError, guardedAgent } from './guarded-agent';
import { undici } from './lazy-undici';

export interface WebhookSettings {
  userAgent: string;
  timeoutMs: number;
  /** When set, every delivery is signed: `x-stevedore-signature: sha256=<hex HMAC of the body>`. */
  secret?: string;
}

/** Worth another try (network error, timeout, 429, 5xx): the caller's job retries with backoff. */
export class WebhookRetryableError extends Error {
  override name = 'WebhookRetryableError';
}

/** Will fail the same way every time (3xx, 4xx, egress refusal, bad URL): not retried. */
export class WebhookRejectedError extends Error {
  override name = 'WebhookRejectedError';
}

/** The delivery took longer than the webhook timeout. */
class WebhookTimeout extends Error {}

/**
 * Posts suite notifications to a user's webhook URL, safely: connections go through the
 * egress guard (checked at connect time, like scrape pages), redirects are refused rather
 * than followed (following one would send the signed body somewhere the user never named),
 * one timeout covers headers and body, and the answer's body is discarded unread.
 */
export class WebhookSender {
  /** Made at the first delivery: the API builds a sender but posts only when a channel is tested. */
  private agent?: Agent;

  constructor(
    private readonly policy: AddressPolicy,
    private readonly settings: WebhookSettings,
  ) {}

  /**
   * Resolves on 2xx; otherwise throws WebhookRetryableError or WebhookRejectedError. Rejects
   * with `signal.reason` when the caller aborts before the webhook answered. `deliveryId`
   * is the same for every attempt at one delivery, so a receiver can drop a repeat.
   */
  async post(
    url: string,
    event: string,
    payload: unknown,
    deliveryId: string,
    signal?: AbortSignal,
  ): Promise<{ statusCode: number; durationMs: number }> {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new WebhookRejectedError('webhook URL is not a valid URL');
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new WebhookRejectedError(`webhook URL must be http or https, not ${protocol}`);
    if (signal?.aborted) throw signal.reason;

    // Sign the exact bytes sent, so the receiver can verify them before parsing.
    const body = JSON.stringify(payload) ?? 'null';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.settings.userAgent,
      'x-stevedore-event': event,
      'x-stevedore-delivery': deliveryId,
    };
    if (this.settings.secret)
      headers['x-stevedore-signature'] =
        `sha256=${createHmac('sha256', this.settings.secret).update(body).digest('hex')}`;

    this.agent ??= guardedAgent(this.policy, { connectTimeoutMs: Math.min(10_000, this.settings.timeoutMs) });
    // A plain timer cleared at the end: AbortSignal.timeout() would keep every finished
    // request (and its body, through undici's abort listener) alive until it fires.
    const abort = new AbortController();
    const onStop = () => abort.abort(signal?.reason);
    signal?.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => abort.abort(new WebhookTimeout()), this.settings.timeoutMs);
    const started = performance.now();
    try {
      let res: Dispatcher.ResponseData;
      try {
        res = await undici().request(url, {
          dispatcher: this.agent,
          method: 'POST',
          headers,
          body,
          signal: abort.signal,
        });
      } catch (error) {
        throw this.classify(error as Error & { code?: string; cause?: unknown }, abort.signal, signal);
      }
      // The status is the answer: a body that fails or stalls after it changes nothing (a
      // 2xx was delivered, and retrying it would deliver twice), so its errors are ignored.
      await res.body.dump({ limit: 64 * 1024, signal: abort.signal }).catch(() => undefined);
      const status = res.statusCode;
      if (status >= 200 && status < 300)
        return { statusCode: status, durationMs: Math.round(performance.now() - started) };
      if (status >= 300 && status < 400)
        throw new WebhookRejectedError(`webhook redirected (HTTP ${status}): redirects are not followed`);
      if (status === 429 || status >= 500) throw new WebhookRetryableError(`webhook answered HTTP ${status}`);
      throw new WebhookRejectedError(`webhook answered HTTP ${status}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onStop);
    }
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  private classify(
    error: Error & { code?: string; cause?: unknown },
    aborted: AbortSignal,
    signal?: AbortSignal,
  ): unknown {
    if (signal?.aborted) return signal.reason;
    if (aborted.reason instanceof WebhookTimeout)
      return new WebhookRetryableError(`webhook timed out after ${this.settings.timeoutMs} ms`);
    // The guard's refusal reaches us as the error or as its cause, depending on the undici path.
    const refusal = [error, error.cause].find((e) => e instanceof EgressRefusedError);
    if (refusal) return new WebhookRejectedError(`webhook refused by the egress guard: ${refusal.message}`);
    return new WebhookRetryableError(`webhook network error: ${error.code ?? error.message}`);
  }
}
