import { extname } from 'node:path';

const policy = (directives: string[]) => directives.join('; ');

/**
 * Headers of the report app's page and assets. What each source is for:
 * - script-src 'self': report.js only; no inline script, no eval (the app needs neither), so
 *   nothing a test wrote into the report's data can run even if it reached the page;
 * - style-src 'unsafe-inline': the page's `<html style=...>` and the `<style>` elements React
 *   hoists; styles cannot run script;
 * - img-src data: the app's favicon is a data: URL; screenshots come from data/ ('self');
 * - connect-src 'self': the app fetches text attachments from data/;
 * - no worker-src: its zip reader runs without web workers.
 */
export const REPORT_PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': policy([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ]),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/**
 * Headers of the trace viewer's files. Its service worker (sw.bundle.js) opens the trace zip
 * and serves the page snapshots to the viewer; this policy, on the worker's own script, also
 * bounds what the worker fetches: connect-src 'self' keeps a snapshot's resources that the
 * trace does not hold from being fetched from the page's original hosts, and keeps a
 * `?trace=` of another origin from loading. Snapshots themselves are documents the worker
 * makes, with Playwright's own policy (scripts only with its nonce).
 * - script-src 'self': its modules; its one inline script (a file:// warning) is not needed over HTTP;
 * - worker-src 'self': the service worker; frame-src 'self': snapshot.html and the snapshots in
 *   it, and data: for the blank placeholder the viewer frames before a snapshot (a data: frame
 *   has an opaque origin: nothing in it can reach the API's);
 * - style-src 'unsafe-inline': CodeMirror and xterm add `<style>` elements; img-src and
 *   media-src data:/blob:: screencast frames and attachments the viewer shows from memory.
 */
const TRACE_VIEWER_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-src 'self' data:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** snapshot.html is framed by the viewer itself; nothing else of it may be framed. */
export const traceViewerHeaders = (path: string): Record<string, string> => ({
  'Content-Security-Policy': policy([
    ...TRACE_VIEWER_POLICY,
    path === 'snapshot.html' ? "frame-ancestors 'self'" : "frame-ancestors 'none'",
  ]),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
});

/** Attachments shown in place: images, videos, traces (zips) and plain text. */
const INLINE: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
};
/** Downloaded, never shown: these could hold markup or script (an SVG or HTML attachment). */
const DOWNLOADED: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
};

/**
 * Headers of a report attachment (data/<sha1>.<ext>), written by the test's code. Every one
 * is sandboxed (a document opened from it runs no script and has no origin) and not sniffed;
 * anything but an image, a video, a zip or plain text is also a download, so an attachment
 * can never be a page on the API's origin.
 */
export function attachmentHeaders(name: string): Record<string, string> {
  const extension = extname(name).toLowerCase();
  const inline = INLINE[extension];
  return {
    'Content-Type': inline ?? DOWNLOADED[extension] ?? 'application/octet-stream',
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"`,
    'Content-Security-Policy': 'sandbox',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}
