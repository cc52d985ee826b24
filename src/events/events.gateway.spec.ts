import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { KeyDirectory } from '../projects/key-directory';
import { PRINCIPAL } from '../projects/principal';
import { EventsGateway } from './events.gateway';
import type { LiveEventHub } from './live-event-hub';
import { SOCKET_LIMITS } from './socket-limits';

describe('EventsGateway limits', () => {
  // A hub whose subscriptions stay open until stopped: only the gateway's bookkeeping is under test.
  const hub = { subscribe: jest.fn(async () => () => undefined) } as unknown as LiveEventHub;
  const socket = () =>
    ({ emit: jest.fn(), disconnect: jest.fn(), data: { [PRINCIPAL]: { projectId: 'p1' } } }) as unknown as Socket;

  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('refuses a subscription past the per-connection cap with a 429, and takes one again after an unsubscribe', async () => {
    const gateway = new EventsGateway(hub, {} as KeyDirectory);
    const client = socket();
    const ids: string[] = [];
    for (let i = 0; i < SOCKET_LIMITS.maxSubscriptions; i++) {
      // Stay under the call rate: a new second every few calls.
      if (i % SOCKET_LIMITS.subscribesPerSecond === 0) jest.advanceTimersByTime(1000);
      const id = randomUUID();
      ids.push(id);
      await expect(gateway.subscribe(client, { runId: id })).resolves.toMatchObject({ ok: true });
    }
    jest.advanceTimersByTime(1000);
    await expect(gateway.subscribe(client, { runId: randomUUID() })).resolves.toMatchObject({
      ok: false,
      error: { status: 429 },
    });
    gateway.unsubscribe(client, { runId: ids[0] });
    await expect(gateway.subscribe(client, { runId: randomUUID() })).resolves.toMatchObject({ ok: true });
  });
});
