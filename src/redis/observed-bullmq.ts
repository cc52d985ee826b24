import { BullModule } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import {
  FlowProducer,
  FlowProducerOptions,
  Processor,
  Queue,
  QueueEvents,
  QueueEventsOptions,
  QueueOptions,
  Worker,
  WorkerOptions,
} from 'bullmq';
import { outageLog } from '../outages/outage-log';

const logger = new Logger('BullMQ');

/**
 * BullMQ forwards each of its connections' errors to the Queue, Worker, QueueEvents or
 * FlowProducer that owns it; one without an `error` listener prints the error outside
 * the JSON log (and a Worker logs one line per queue per retry). These subclasses attach
 * the listener in the constructor, before the first connection attempt can fail, and
 * send connection errors to the outage log.
 */
const route = (kind: string, name: string) => (err: unknown) =>
  outageLog.fault(logger, err, `${kind} error`, { queue: name || undefined });

export class ObservedQueue extends Queue {
  constructor(name: string, opts?: QueueOptions) {
    super(name, opts);
    this.on('error', route('Queue', this.name));
  }
}

export class ObservedWorker extends Worker {
  constructor(name: string, processor?: string | URL | null | Processor, opts?: WorkerOptions) {
    super(name, processor, opts);
    this.on('error', route('Worker', this.name));
  }
}

export class ObservedFlowProducer extends FlowProducer {
  constructor(opts?: FlowProducerOptions) {
    super(opts);
    this.on('error', route('Flow producer', ''));
  }
}

export class ObservedQueueEvents extends QueueEvents {
  constructor(name: string, opts: QueueEventsOptions) {
    super(name, opts);
    this.on('error', route('Queue events', this.name));
  }
}

/** Makes @nestjs/bullmq build the observed classes; called once, before any queue is registered. */
export function observeBullmq(): void {
  BullModule.queueClass = ObservedQueue;
  BullModule.flowProducerClass = ObservedFlowProducer;
  BullModule.workerClass = ObservedWorker;
}
