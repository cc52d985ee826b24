import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The media types a request body may have: JSON, on every route (REST, /graphql, Bull Board's API). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
/** The same, as Fastify matches parsers: on the whole header, parameters (`; charset=utf-8`) included. */
const JSON_CONTENT_TYPE_HEADER = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** `application/json; charset=utf-8` → `application/json`; undefined when there is no header. */
const mediaTypeOf = (header: string | undefined) => header?.split(';')[0].trim().toLowerCase();

/** Whether the request carries a body: a non-zero Content-Length, or any Transfer-Encoding. */
const hasBody = (request: FastifyRequest) => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

/**
 * A 400 both layers read as one: Fastify by `statusCode`, and Nest (whose handler also takes
 * parse errors on paths no route matched) as an HttpException, not an unknown error (a 500).
 */
const badRequest = (message: string, code: string) =>
  Object.assign(new BadRequestException(message), { statusCode: 400, code });

/**
 * Every body this API reads is JSON, so it reads nothing else. Two things go wrong with
 * other bodies when each parser decides on its own: a form or text body was parsed as
 * something else and then refused for a reason that made no sense ("{"name":"x"} is not a
 * field of a run"), and GraphQL answered 500. Here, before any parser runs:
 * - a body that is not declared JSON is a 415 that says to send `content-type: application/json`;
 * - a body that is declared JSON but does not parse is a 400 that says where it breaks.
 * The default JSON parser stays underneath (it refuses `__proto__` and `constructor` poisoning).
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    if (request.is404 || request.method === 'GET' || request.method === 'HEAD' || !hasBody(request)) return payload;
    const mediaType = mediaTypeOf(request.headers['content-type']);
    if (mediaType !== undefined && JSON_MEDIA_TYPE.test(mediaType)) return payload;
    const got = mediaType ? `content-type: ${mediaType}` : 'no content-type';
    return reply.code(415).send({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `The body must be JSON: send content-type: application/json (got ${got})`,
    });
  });

  const secureJsonParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_CONTENT_TYPE_HEADER, { parseAs: 'string' }, (request, body, done) => {
    secureJsonParse(request, body as string, (error: Error | null, parsed?: unknown) => {
      if ((error as { code?: string } | null)?.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return done(error, parsed);
      try {
        JSON.parse(body as string);
        // Valid JSON that the secure parser refused: a key that would replace a prototype.
        done(
          badRequest('The body is refused: it has a "__proto__" or "constructor.prototype" key', 'FORBIDDEN_JSON_KEY'),
          undefined,
        );
      } catch (syntax) {
        done(badRequest(`The body is not valid JSON: ${(syntax as Error).message}`, 'MALFORMED_JSON'), undefined);
      }
    });
  });
}
