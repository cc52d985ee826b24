import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { JobCatalogue } from './job-catalogue';

/** All queues by name, for code that works across them (health, metrics, Bull Board). */
@Injectable()
export class QueueRegistry {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly catalogue: JobCatalogue,
  ) {}

  all(): Array<{ name: string; queue: Queue }> {
    return this.catalogue.queueNames.map((name) => ({
      name,
      queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    }));
  }
}
