import { NotFoundException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { byteRange } from './byte-range';
import { openRegularFile } from './report/untrusted-file';

/**
 * Sends a file of a run's folder: a regular file only (never through a symlink), with
 * `headers`, the whole of it or the byte range asked for (206; 416 for a range past its end),
 * so that a video can be sought. 404 if it is not there.
 */
export async function sendStoredFile(
  reply: FastifyReply,
  path: string,
  headers: Record<string, string>,
  range: string | undefined,
  notFound: string,
): Promise<FastifyReply> {
  const file = await openRegularFile(path);
  if (!file) throw new NotFoundException(notFound);
  void reply.headers({ ...headers, 'Accept-Ranges': 'bytes' });
  const wanted = byteRange(range, file.size);
  if (wanted === 'unsatisfiable') {
    await file.handle.close();
    return reply.code(416).header('Content-Range', `bytes */${file.size}`).send();
  }
  if (file.size === 0) {
    await file.handle.close();
    return reply.header('Content-Length', 0).send('');
  }
  const { start, end } = wanted ?? { start: 0, end: file.size - 1 };
  if (wanted) void reply.code(206).header('Content-Range', `bytes ${start}-${end}/${file.size}`);
  // The stream closes the descriptor when it ends or is destroyed (a client that goes away).
  return reply.header('Content-Length', end - start + 1).send(file.handle.createReadStream({ start, end }));
}
