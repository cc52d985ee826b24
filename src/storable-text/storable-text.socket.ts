import type { Socket } from 'socket.io';
import { unstorableText } from './storable-text';

type Packet = [event: string, ...args: unknown[]];

/**
 * A socket.io namespace middleware that puts a packet check on each socket: an event whose
 * payload holds text PostgreSQL cannot store never reaches its handler. Its ack (the
 * `subscribe` answer's shape) says why, with a 400; without an ack the client gets an
 * `exception` event, as Nest's own WsException does.
 */
export function refuseUnstorableSocketText(socket: Socket, next: (error?: Error) => void): void {
  socket.use((packet, proceed) => {
    const [, ...args] = packet as Packet;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
    const problems = args.flatMap((arg, i) => unstorableText(arg, args.length > 1 ? `args[${i}]` : ''));
    if (!problems.length) return proceed();
    const error = { status: 400, message: problems.join('; ') };
    if (ack) ack({ ok: false, error });
    else socket.emit('exception', error);
  });
  next();
}
