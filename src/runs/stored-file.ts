import { NotFoundException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ArtifactStore } from '../artifacts/artifact-store';
import { byteRange } from './byte-range';

/**
 * Sends a stored file of a run from the artifact store (the local folder: a regular file
 * only, never through a symlink; or object storage), with `headers`, the whole of it or the
 * byte range asked for (206; 416 for a range past its end), so that a video can be sought.
 * 404 if it is not there.
 */
export async function sendStoredFile(
  reply: FastifyReply,
  store: ArtifactStore,
  key: string,
  headers: Record<string, string>,
  range: string | undefined,
  notFound: string,
): Promise<FastifyReply> {
  const found = await store.head(key);
  if (!found) throw new NotFoundException(notFound);
  void reply.headers({ ...headers, 'Accept-Ranges': 'bytes' });
  const wanted = byteRange(range, found.size);
  if (wanted === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${found.size}`).send();
  if (found.size === 0) return reply.header('Content-Length', 0).send('');
  const read = await store.get(key, wanted);
  // Gone between the two looks (a retry of the run cleared it).
  if (!read) throw new NotFoundException(notFound);
  const { start, end } = wanted ?? { start: 0, end: read.size - 1 };
  if (wanted) void reply.code(206).header('Content-Range', `bytes ${start}-${end}/${read.size}`);
  return reply.header('Content-Length', end - start + 1).send(read.stream);
}
