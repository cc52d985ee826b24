import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BrowserPool } from '../../browser/browser-pool';
import { failedPage, HTML_TYPES, type FetchedPage } from './page-fetcher';

/**
 * `render: true`: the page as the worker's shared Chromium (the runs' browser) sees it
 * after its scripts ran. Requests go through the same egress proxy as runs, so the same
 * address rules hold for the page, its redirects and its subresources.
 */
@Injectable()
export class PageRenderer {
  constructor(private readonly pool: BrowserPool) {}

  async render(url: string, timeoutMs: number, signal: AbortSignal): Promise<FetchedPage> {
    const context = await this.pool.acquire({});
    const page = context.pages()[0] ?? (await context.newPage());
    const onAbort = () => void page.close().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();
    try {
      const response = await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
      const contentType = (await response?.headerValue('content-type')) ?? null;
      const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
      const statusCode = response?.status() ?? null;
      if (statusCode !== null && statusCode >= 400)
        return failedPage(page.url(), statusCode, `HTTP ${statusCode}`, contentType);
      if (mime && !HTML_TYPES.includes(mime))
        return failedPage(page.url(), statusCode, `unsupported content type ${mime}`, contentType);
      const html = await page.content();
      return {
        finalUrl: page.url(),
        statusCode,
        contentType,
        body: html,
        contentHash: createHash('sha256').update(html).digest('hex'),
        error: null,
      };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const message = (error as Error).message.split('\n')[0];
      const [refusal] = this.pool.refusalsSince(context, started);
      if (refusal && /net::ERR_/.test(message)) return failedPage(url, null, `refused by the egress guard: ${refusal}`);
      return failedPage(url, null, `render failed after ${Date.now() - started} ms: ${message}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await this.pool.release(context);
    }
  }
}
