import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QUEUE_NAMES, QueueName } from './queue-names';

/** All queues by name, for code that works across them (health, metrics, Bull Board). */
@Injectable()
export class QueueRegistry {
  constructor(private readonly moduleRef: ModuleRef) {}

  all(): Array<{ name: QueueName; queue: Queue }> {
    return QUEUE_NAMES.map((name) => ({
      name,
      queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    }));
  }
}
