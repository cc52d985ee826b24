import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a connection closed while the client is still sending stays open to read (and
 * throw away) what it sends, so that the client reads the answer.
 */
export const LINGER_MS = 5000;

/**
 * Answers sent before the request body was read (413 for a body over the limit, 415, a
 * malformed body) carry `Connection: close`. Node then destroys the socket as soon as the
 * answer is written; the client is still sending, so the kernel answers its next bytes
 * with a reset, which also throws away the answer it had not read yet: the client sees a
 * closed connection and never its 413. This does what nginx's lingering close does: once
 * the answer is written, the server's side of the connection is shut (the client reads
 * the answer and then end of stream), what the client still sends is read and discarded
 * for up to LINGER_MS, then the socket is closed.
 */
export function lingerAfterEarlyAnswers(server: Server, lingerMs = LINGER_MS): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // Node's own finish handler runs first: by now it has ended the socket if the answer closes it.
    res.once('finish', () => {
      const socket = req.socket as Socket;
      if (req.complete || socket.destroyed || !socket.writableEnded) return;
      // Node's destroySoon() would destroy the socket once the answer is flushed.
      socket.removeListener('finish', socket.destroy);
      const timer = setTimeout(() => socket.destroy(), lingerMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      // The client has stopped sending and read the answer (or gone away): nothing left to wait for.
      socket.once('end', () => socket.destroy());
      req.resume();
    });
  });
}
