import { HttpException } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { socketApiKey } from '../auth/api-key';
import { KeyDirectory } from '../projects/key-directory';
import { PRINCIPAL, type Principal } from '../projects/principal';
import { refuseUnstorableSocketText } from '../storable-text/storable-text.socket';
import { LiveEventHub } from './live-event-hub';
import { parseLiveTarget } from './live-target';
import { CallRate, SOCKET_LIMITS } from './socket-limits';

type Ack = { ok: true; kind: string; id: string } | { ok: false; error: { status: number; message: string } };

/**
 * socket.io namespace `/events`. Connect with `auth: { token: <API key> }`, emit
 * `subscribe` with `{ runId }` (or `{ scrapeId }`, `{ emailId }`, `{ suiteId }`); the ack says whether it
 * took, then `run.updated` / `run.step` / `scrape.updated` / `email.updated` / `suite.updated` follow until
 * the job ends. Any API instance serves any client: events come through Redis.
 * A connection holds at most SOCKET_LIMITS.maxSubscriptions and may call `subscribe`
 * SOCKET_LIMITS.subscribesPerSecond times a second (a 429 ack past either; disconnected
 * past twice the rate).
 */
@WebSocketGateway({ namespace: '/events' })
export class EventsGateway implements OnGatewayInit, OnGatewayDisconnect {
  private readonly following = new WeakMap<Socket, Map<string, () => void>>();
  private readonly rates = new WeakMap<Socket, CallRate>();
  /** Open connections by the project key they signed in with: a revoked key's are closed. */
  private readonly byKey = new Map<string, Set<Socket>>();

  constructor(
    private readonly hub: LiveEventHub,
    private readonly keys: KeyDirectory,
  ) {}

  afterInit(namespace: Namespace): void {
    this.keys.onRevoked((keyId) => {
      for (const socket of this.byKey.get(keyId) ?? []) socket.disconnect(true);
      this.byKey.delete(keyId);
    });
    // Refused at connect, before any handler runs: the client sees connect_error.
    namespace.use((socket, next) => {
      const key = socketApiKey(socket.handshake);
      if (!key) return next(new Error('An API key is required: connect with auth: { token: "<key>" }'));
      this.keys.resolve(key).then(
        (principal) => {
          if (!principal) return next(new Error('The API key is not valid'));
          // The connection follows the work of the key's project only.
          (socket.data as { [PRINCIPAL]?: Principal })[PRINCIPAL] = principal;
          if (principal.keyId) {
            const sockets = this.byKey.get(principal.keyId) ?? new Set<Socket>();
            this.byKey.set(principal.keyId, sockets.add(socket));
          }
          next();
        },
        () => next(new Error('Could not check the API key; try again')),
      );
    });
    namespace.use(refuseUnstorableSocketText);
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const refused = this.overRate(socket);
    if (refused) return refused;
    const target = parseLiveTarget(body);
    if ('error' in target) return { ok: false, error: { status: 400, message: target.error } };
    const key = `${target.kind}:${target.id}`;
    const subscriptions = this.subscriptionsOf(socket);
    if (subscriptions.has(key)) return { ok: true, ...target };
    if (subscriptions.size >= SOCKET_LIMITS.maxSubscriptions) {
      return {
        ok: false,
        error: {
          status: 429,
          message: `This connection has ${SOCKET_LIMITS.maxSubscriptions} subscriptions, the limit: unsubscribe from one first`,
        },
      };
    }
    let ended = false;
    try {
      const projectId = (socket.data as { [PRINCIPAL]: Principal })[PRINCIPAL].projectId;
      const stop = await this.hub.subscribe(target.kind, target.id, projectId, {
        send: (update) => socket.emit(update.event, update.payload),
        end: () => {
          ended = true;
          subscriptions.delete(key);
        },
      });
      if (!ended) subscriptions.set(key, stop);
      return { ok: true, ...target };
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 500;
      return {
        ok: false,
        error: { status, message: status === 500 ? 'Could not subscribe; try again' : (error as Error).message },
      };
    }
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Ack {
    const target = parseLiveTarget(body);
    if ('error' in target) return { ok: false, error: { status: 400, message: target.error } };
    const key = `${target.kind}:${target.id}`;
    this.subscriptionsOf(socket).get(key)?.();
    this.subscriptionsOf(socket).delete(key);
    return { ok: true, ...target };
  }

  handleDisconnect(socket: Socket): void {
    const keyId = (socket.data as { [PRINCIPAL]?: Principal } | undefined)?.[PRINCIPAL]?.keyId;
    if (keyId) {
      this.byKey.get(keyId)?.delete(socket);
      if (this.byKey.get(keyId)?.size === 0) this.byKey.delete(keyId);
    }
    for (const stop of this.subscriptionsOf(socket).values()) stop();
    this.following.delete(socket);
  }

  /** The refusal when the connection calls `subscribe` too fast; past twice the rate it is disconnected. */
  private overRate(socket: Socket): Ack | undefined {
    let rate = this.rates.get(socket);
    if (!rate) {
      rate = new CallRate(SOCKET_LIMITS.subscribesPerSecond);
      this.rates.set(socket, rate);
    }
    const verdict = rate.take();
    if (verdict === 'ok') return undefined;
    const message = `More than ${SOCKET_LIMITS.subscribesPerSecond} subscribe calls a second`;
    // The ack goes out first, then the disconnect, so the client can tell why.
    if (verdict === 'abuse') setImmediate(() => socket.disconnect(true));
    return { ok: false, error: { status: 429, message: verdict === 'abuse' ? `${message}: disconnected` : message } };
  }

  private subscriptionsOf(socket: Socket): Map<string, () => void> {
    let subscriptions = this.following.get(socket);
    if (!subscriptions) {
      subscriptions = new Map();
      this.following.set(socket, subscriptions);
    }
    return subscriptions;
  }
}
