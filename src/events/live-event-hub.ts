import { Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { AppConfig } from '../config/app-config.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { LiveSequencer } from './live-sequencer';
import type { LiveKind, LiveSink, LiveSource, LiveUpdate, QueueSignal } from './live-update';

const READY_WAIT_MS = 3000;

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
 */
@Injectable()
export class LiveEventHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveEventHub.name);
  private readonly sources = new Map<LiveKind, LiveSource>();
  private readonly topics = new Map<string, Topic>();
  private readonly queueEvents: QueueEvents[] = [];

  constructor(
    private readonly redis: RedisConnectionFactory,
    private readonly config: AppConfig,
  ) {}

  /** Called by each job kind's source when its module starts. */
  register(source: LiveSource): void {
    this.sources.set(source.kind, source);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const source of this.sources.values()) {
      const events = new QueueEvents(source.queue, { connection: this.redis.bullOptions(`events:${source.queue}`), prefix: this.config.env.QUEUE_PREFIX });
      events.on('progress', ({ jobId, data }) => this.signal(source, jobId, { type: 'progress', data }));
      for (const type of ['active', 'completed', 'failed', 'removed'] as const) {
        events.on(type, ({ jobId }: { jobId: string }) => this.signal(source, jobId, { type }));
      }
      // BullMQ reconnects by itself; without a listener an error event would throw.
      events.on('error', (err) => this.logger.warn({ err, queue: source.queue }, 'Queue events connection error'));
      this.queueEvents.push(events);
    }
    // Waits for the streams briefly, but never blocks start-up: with Redis down the API
    // must still come up and report it on /api/health; the listeners connect when it is back.
    const ready = Promise.all(this.queueEvents.map((events) => events.waitUntilReady())).catch(() => undefined);
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
  }

  /**
   * Follows one job: delivers its current state first, then every change until it ends.
   * Rejects (NotFoundException) for an unknown id. Resolves to the way to stop following.
   */
  async subscribe(kind: LiveKind, id: string, sink: LiveSink): Promise<() => void> {
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
      if (current.subscribers.size === 0 && this.topics.get(key) === current) this.topics.delete(key);
    };
    subscriber.leave = unsubscribe;
    current.subscribers.add(subscriber);
    // Read in turn with the job's events: what was published before the read is in it.
    const snapshot = current.chain.then(() => source.snapshot(id));
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
    // Bounded: a stream that never connected (Redis down) does not finish closing.
    const closed = Promise.all(this.queueEvents.map((events) => events.close().catch(() => undefined)));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
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
      .catch((err: unknown) => this.logger.warn({ err, kind: source.kind, id: jobId, signal: signal.type }, 'Could not forward a live update'));
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
