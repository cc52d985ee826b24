import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEventHub } from './live-event-hub';
import type { LiveKind } from './live-update';

/**
 * Takes the answer over from Fastify and opens it as an event stream: the headers (no
 * caching, no proxy buffering) and the reconnect delay a browser's EventSource uses.
 */
export function startEventStream(reply: FastifyReply): FastifyReply['raw'] {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses unless told not to.
    'x-accel-buffering': 'no',
  });
  reply.raw.write('retry: 3000\n\n');
  return reply.raw;
}

/**
 * Serves one job's live updates as Server-Sent Events: the current state first, each
 * change as it happens, a comment line every `heartbeatMs` so proxies keep the stream
 * open, and an `end` event when the job ends (EventSource reconnects after a close
 * unless the client closes it: close on `end`). An unknown id is a plain 404, since
 * nothing is written before the first update.
 */
export async function streamLiveEvents(
  hub: LiveEventHub,
  kind: LiveKind,
  id: string,
  projectId: string,
  req: FastifyRequest,
  reply: FastifyReply,
  heartbeatMs: number,
): Promise<void> {
  const raw = reply.raw;
  let seq = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  const open = () => {
    if (heartbeat) return;
    startEventStream(reply);
    heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (!raw.writableEnded) raw.end();
  };
  const unsubscribe = await hub.subscribe(kind, id, projectId, {
    send: (update) => {
      open();
      raw.write(`id: ${++seq}\nevent: ${update.event}\ndata: ${JSON.stringify(update.payload)}\n\n`);
      if (update.final) raw.write(`event: end\ndata: ${JSON.stringify({ id })}\n\n`);
    },
    end: finish,
  });
  req.raw.once('close', () => {
    unsubscribe();
    finish();
  });
}
