import { Inject, Injectable, Logger, NotFoundException, OnModuleDestroy } from '@nestjs/common';
import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.service';
import { ObservedQueueEvents } from '../redis/observed-bullmq';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { REDIS } from '../redis/redis.module';
import { LiveSequencer } from './live-sequencer';
import type { LiveKind, LiveSink, LiveSource, LiveUpdate, QueueSignal } from './live-update';

const READY_WAIT_MS = 3000;
/** A queue's event stream is read while someone follows one of its jobs, and this long after. */
const IDLE_CLOSE_MS = 60_000;

const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);

interface Listener {
  started: Promise<void>;
  events?: QueueEvents;
  idle?: NodeJS.Timeout;
}

interface Subscriber {
  sink: LiveSink;
  sequencer: LiveSequencer;
  /** Set once its snapshot is delivered: older events are not for it. */
  ready: boolean;
  leave: () => void;
}

interface Topic {
  subscribers: Set<Subscriber>;
  /** Every read and delivery for one job runs in turn, so subscribers see events in order. */
  chain: Promise<void>;
}

/**
 * One per API process: listens to BullMQ's queue events (a Redis stream every API
 * instance reads in full) and forwards what concerns a followed job to its subscribers.
 * It only reads: job state is written by the worker that owns the job, never here.
 * A queue's stream is read only while someone follows one of its jobs (and a minute
 * after): reading every event of a busy queue for nobody costs an API a sixth of its
 * accept rate.
 */
@Injectable()
export class LiveEventHub implements OnModuleDestroy {
  private readonly logger = new Logger(LiveEventHub.name);
  private readonly sources = new Map<LiveKind, LiveSource>();
  private readonly topics = new Map<string, Topic>();
  private readonly listeners = new Map<LiveKind, Listener>();
  private closing = false;

  constructor(
    private readonly connections: RedisConnectionFactory,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Called by each job kind's source when its module starts. */
  register(source: LiveSource): void {
    this.sources.set(source.kind, source);
  }

  /**
   * Starts reading a queue's events, from the stream's last entry as it is now (not "new
   * ones from whenever the first read reaches Redis"), so nothing published after this
   * call is missed. Bounded: with Redis down the caller goes on after READY_WAIT_MS.
   */
  protected listen(source: LiveSource): Promise<void> {
    const current = this.listeners.get(source.kind);
    if (current) {
      clearTimeout(current.idle);
      current.idle = undefined;
      return current.started;
    }
    const listener: Listener = { started: Promise.resolve() };
    listener.started = (async () => {
      const stream = `${this.config.env.QUEUE_PREFIX}:${source.queue}:events`;
      const [last] =
        ((await within(this.redis.xrevrange(stream, '+', '-', 'COUNT', 1), READY_WAIT_MS)) as
          Array<[string, string[]]> | undefined) ?? [];
      if (this.closing) return;
      const events = new ObservedQueueEvents(source.queue, {
        connection: this.connections.bullOptions(`events:${source.queue}`),
        prefix: this.config.env.QUEUE_PREFIX,
        lastEventId: last?.[0] ?? '0-0',
      });
      events.on('progress', ({ jobId, data }) => this.signal(source, jobId, { type: 'progress', data }));
      for (const type of ['active', 'completed', 'failed', 'removed'] as const) {
        events.on(type, ({ jobId }: { jobId: string }) => this.signal(source, jobId, { type }));
      }
      listener.events = events;
      await within(events.waitUntilReady(), READY_WAIT_MS);
    })();
    this.listeners.set(source.kind, listener);
    return listener.started;
  }

  /** When nobody follows a job of that kind any more, stop reading its stream after a while. */
  private idle(kind: LiveKind): void {
    const listener = this.listeners.get(kind);
    if (!listener || listener.idle || [...this.topics.keys()].some((key) => key.startsWith(`${kind}:`))) return;
    listener.idle = setTimeout(() => {
      if (this.listeners.get(kind) !== listener) return;
      this.listeners.delete(kind);
      void listener.started.then(() => listener.events?.close()).catch(() => undefined);
    }, IDLE_CLOSE_MS).unref();
  }

  /**
   * Follows one job of `projectId`: delivers its current state first, then every change until it ends.
   * Rejects (NotFoundException) for an unknown id. Resolves to the way to stop following.
   */
  async subscribe(kind: LiveKind, id: string, projectId: string, sink: LiveSink): Promise<() => void> {
    const source = this.sources.get(kind);
    if (!source) throw new NotFoundException(`Live updates for ${kind}s are not available`);
    const key = `${kind}:${id}`;
    let topic = this.topics.get(key);
    if (!topic) {
      topic = { subscribers: new Set(), chain: Promise.resolve() };
      this.topics.set(key, topic);
    }
    const current = topic;
    const subscriber: Subscriber = { sink, sequencer: new LiveSequencer(), ready: false, leave: () => undefined };
    const unsubscribe = () => {
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0 && this.topics.get(key) === current) {
        this.topics.delete(key);
        this.idle(kind);
      }
    };
    subscriber.leave = unsubscribe;
    current.subscribers.add(subscriber);
    // Reading the stream starts before the snapshot, and the snapshot is read in turn with
    // the job's events: what was published before the read is in it, what comes after follows it.
    const listening = this.listen(source);
    const snapshot = current.chain.then(() => listening).then(() => source.snapshot(id, projectId));
    current.chain = snapshot.then(
      (update) => {
        subscriber.ready = true;
        this.deliver(subscriber, update);
      },
      () => undefined,
    );
    try {
      await snapshot;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Ends every subscription (SSE responses would otherwise hold the server open) and stops listening. */
  async onModuleDestroy(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const subscriber of topic.subscribers) this.end(subscriber);
    }
    this.topics.clear();
    this.closing = true;
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    listeners.forEach((listener) => clearTimeout(listener.idle));
    // Bounded: a stream that never connected (Redis down) does not finish closing.
    await within(
      Promise.all(
        listeners.map((listener) => listener.started.then(() => listener.events?.close()).catch(() => undefined)),
      ),
      READY_WAIT_MS,
    );
  }

  private signal(source: LiveSource, jobId: string, signal: QueueSignal): void {
    const topic = this.topics.get(`${source.kind}:${jobId}`);
    if (!topic) return; // nobody follows this job: no reads
    topic.chain = topic.chain
      .then(() => source.translate(jobId, signal))
      .then((updates) => {
        for (const update of updates) {
          for (const subscriber of topic.subscribers) if (subscriber.ready) this.deliver(subscriber, update);
        }
      })
      .catch((err: unknown) =>
        this.logger.warn({ err, kind: source.kind, id: jobId, signal: signal.type }, 'Could not forward a live update'),
      );
  }

  private deliver(subscriber: Subscriber, update: LiveUpdate): void {
    if (!subscriber.sequencer.admit(update)) return;
    try {
      subscriber.sink.send(update);
    } catch (err) {
      this.logger.warn({ err }, 'A live subscriber could not take an update');
    }
    if (subscriber.sequencer.done) {
      subscriber.leave();
      this.end(subscriber);
    }
  }

  private end(subscriber: Subscriber): void {
    try {
      subscriber.sink.end();
    } catch {
      // the client is gone already
    }
  }
}
