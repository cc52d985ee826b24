import { NotFoundException } from '@nestjs/common';
import { LiveEventHub } from './live-event-hub';
import type { LiveSource, LiveUpdate, QueueSignal } from './live-update';

const update = (key: string, extra: Partial<LiveUpdate> = {}): LiveUpdate => ({
  event: key.startsWith('step') ? 'run.step' : 'run.updated',
  payload: { key },
  key,
  final: false,
  ...extra,
});

/** A source whose snapshot read the test releases by hand. */
class FakeSource implements LiveSource {
  readonly kind = 'run' as const;
  readonly queue = 'test-runs' as const;
  state: LiveUpdate | undefined = update('status:1:queued');
  private release?: () => void;
  gate: Promise<void> = Promise.resolve();

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
  }
  async snapshot(): Promise<LiveUpdate> {
    await this.gate;
    if (!this.state) throw new NotFoundException('Run x not found');
    return this.state;
  }
  async translate(_id: string, signal: QueueSignal): Promise<LiveUpdate[]> {
    return signal.type === 'progress' ? [signal.data as LiveUpdate] : [];
  }
}

/** The hub without Redis: its queue listener is the test's `emit`. */
class TestHub extends LiveEventHub {
  protected override listen(): Promise<void> {
    return Promise.resolve();
  }
}

const setup = () => {
  const hub = new TestHub({} as never, {} as never, {} as never);
  const source = new FakeSource();
  hub.register(source);
  const got: string[] = [];
  let ended = 0;
  const sink = { send: (u: LiveUpdate) => got.push(u.key), end: () => ended++ };
  const emit = (u: LiveUpdate) =>
    (hub as unknown as { signal: (s: LiveSource, id: string, sig: QueueSignal) => void }).signal(source, 'r1', {
      type: 'progress',
      data: u,
    });
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { hub, source, got, sink, emit, settle, endedCount: () => ended };
};

describe('LiveEventHub', () => {
  it('delivers the snapshot first, then what came in while it was read, without repeats', async () => {
    const { hub, source, got, sink, emit, settle } = setup();
    source.hold();
    source.state = update('status:1:running', { covers: ['step:1:0'] });
    const subscribed = hub.subscribe('run', 'r1', 'p1', sink);
    emit(update('step:1:0')); // already in the snapshot
    emit(update('step:1:1'));
    source.open();
    await subscribed;
    await settle();
    expect(got).toEqual(['status:1:running', 'step:1:1']);
  });

  it('rejects an unknown id and keeps nothing for it', async () => {
    const { hub, source, sink, emit, got, settle } = setup();
    source.state = undefined;
    await expect(hub.subscribe('run', 'r1', 'p1', sink)).rejects.toThrow('Run x not found');
    emit(update('step:1:0'));
    await settle();
    expect(got).toEqual([]);
  });

  it('ends the subscription after the final update and forwards nothing more', async () => {
    const { hub, sink, emit, got, settle, endedCount } = setup();
    await hub.subscribe('run', 'r1', 'p1', sink);
    emit(update('status:1:passed', { final: true }));
    emit(update('step:1:9'));
    await settle();
    expect(got).toEqual(['status:1:queued', 'status:1:passed']);
    expect(endedCount()).toBe(1);
  });

  it('stops forwarding to a subscriber that left', async () => {
    const { hub, sink, emit, got, settle } = setup();
    const leave = await hub.subscribe('run', 'r1', 'p1', sink);
    leave();
    emit(update('step:1:0'));
    await settle();
    expect(got).toEqual(['status:1:queued']);
  });
});
