import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server, ServerOptions } from 'socket.io';

const SOCKET_IO_PATH = '/socket.io/';

/**
 * socket.io beside Mercurius on one port. Mercurius' websocket plugin answers every HTTP
 * upgrade and closes those it has no route for, socket.io's among them; so once both
 * are attached, `routeUpgrades` puts one dispatcher in their place: `/socket.io/` goes
 * to socket.io's engine, every other path to the listeners that were there (Fastify's).
 */
export class EventsIoAdapter extends IoAdapter {
  private io?: Server;

  override createIOServer(port: number, options?: ServerOptions): Server {
    // engine.io must not close upgrades on other paths: they are GraphQL's.
    const server = super.createIOServer(port, { ...options, destroyUpgrade: false } as ServerOptions) as Server;
    // socket.io always has the default namespace: nothing is served there, so nobody may join it
    // (only /events, which checks the key); other names are refused by socket.io itself.
    server
      .of('/')
      .use((_socket, next) =>
        next(new Error('Nothing is served on namespace "/": connect to "/events" with auth: { token: "<key>" }')),
      );
    this.io = server;
    return server;
  }

  /** Call after the app is initialised and Fastify is ready (all upgrade listeners attached). */
  routeUpgrades(httpServer: HttpServer): void {
    const io = this.io;
    if (!io) return;
    const others = httpServer.listeners('upgrade') as Array<
      (req: IncomingMessage, socket: Duplex, head: Buffer) => void
    >;
    httpServer.removeAllListeners('upgrade');
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url?.startsWith(SOCKET_IO_PATH)) {
        io.engine.handleUpgrade(req, socket, head);
        return;
      }
      // engine.io's own listener is among these; with destroyUpgrade off it ignores other paths.
      for (const listener of others) listener.call(httpServer, req, socket, head);
    });
  }
}
