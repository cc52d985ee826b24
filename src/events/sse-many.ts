import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEventHub } from './live-event-hub';
import { startEventStream } from './sse-stream';
import type { LiveKind } from './live-update';

export interface Followed {
  kind: LiveKind;
  id: string;
}

/**
 * Several jobs' live updates on one Server-Sent Events stream (a browser opens at most six
 * connections to one origin: a list page cannot open one per row). Each event is the job's
 * own (`run.updated`, `suite.progress`, ...) and names its job in the payload; a job that
 * ended gets `end` with its kind and id, one that is unknown (or another project's) `gone`.
 * The stream stays open, with a comment every `heartbeatMs`, until the client closes it or
 * `stop` is called (its key was revoked, the process stops).
 */
export async function streamManyLiveEvents(
  hub: LiveEventHub,
  followed: Followed[],
  projectId: string,
  req: FastifyRequest,
  reply: FastifyReply,
  heartbeatMs: number,
): Promise<() => void> {
  const raw = startEventStream(reply);
  let seq = 0;
  let closed = false;
  const write = (event: string, payload: unknown) => {
    if (!closed) raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  };
  const heartbeat = setInterval(() => !closed && raw.write(': keep-alive\n\n'), heartbeatMs);
  const leaves: Array<() => void> = [];
  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    leaves.forEach((leave) => leave());
    if (!raw.writableEnded) raw.end();
  };
  req.raw.once('close', stop);
  await Promise.all(
    followed.map(async ({ kind, id }) => {
      try {
        const leave = await hub.subscribe(kind, id, projectId, {
          send: (update) => {
            write(update.event, update.payload);
            if (update.final) write('end', { kind, id });
          },
          end: () => undefined,
        });
        if (closed) leave();
        else leaves.push(leave);
      } catch {
        write('gone', { kind, id });
      }
    }),
  );
  return stop;
}
