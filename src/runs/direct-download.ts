import type { FastifyRequest } from 'fastify';

/**
 * Whether a download may answer with a redirect to storage's own URL: only for a client
 * that follows one to another origin as a download, an API client (no `Sec-Fetch-Dest`) or
 * a browser navigating to the file. The dashboard's images and videos and the trace
 * viewer's fetch of a trace are held to this origin by their pages' policies
 * (img-src, media-src, connect-src 'self'), so those are streamed by the API.
 */
export function mayRedirect(req: FastifyRequest): boolean {
  const destination = req.headers['sec-fetch-dest'];
  return destination === undefined || destination === 'document';
}
