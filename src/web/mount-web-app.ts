import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadWebFiles, type WebFile } from './web-files';
import { webHeaders } from './web-headers';

/**
 * The dashboard's own paths: a link to one of them, or a reload there, gets the page, which
 * then shows that view. Listed, not a catch-all, so an unknown /api/... path stays a 404.
 */
export const WEB_PAGES = ['sign-in', 'runs', 'suites', 'scrapes', 'schedules', 'emails', 'dead-letters'];

/**
 * Serves the dashboard (built into dist/web-app) at `/`: the page and its hashed assets. They
 * are the same for everyone and hold no data, so they need no sign-in (the sign-in form is
 * one of them); everything the page shows comes from the API, which does. Plain Fastify
 * routes: nothing here is an API operation.
 */
export async function mountWebApp(fastify: FastifyInstance): Promise<void> {
  const files = await loadWebFiles();
  const page = files.get('index.html');
  if (!page) {
    new Logger('Dashboard').warn('The dashboard was not built (pnpm build): / answers 404');
    return;
  }
  const send = (request: FastifyRequest, reply: FastifyReply, file: WebFile, immutable: boolean) => {
    void reply.headers(webHeaders(immutable)).header('ETag', file.etag).type(file.contentType);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };
  const sendPage = (request: FastifyRequest, reply: FastifyReply) => send(request, reply, page, false);
  fastify.get('/', sendPage);
  for (const name of WEB_PAGES) {
    fastify.get(`/${name}`, sendPage);
    fastify.get(`/${name}/*`, sendPage);
  }
  fastify.get('/assets/*', (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const file = files.get(`assets/${request.params['*']}`);
    if (!file) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'No such asset' });
    return send(request, reply, file, true);
  });
  for (const [path, file] of files) {
    if (path.includes('/') || path === 'index.html') continue;
    // Top-level files the build copies as they are (the icon).
    fastify.get(`/${path}`, (request, reply) => send(request, reply, file, false));
  }
}
