import type { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.service';
import { JobCatalogue } from '../job-catalogue';
import { jobKind } from '../job-kind';
import { fairBase, priorityOf, runningLimitsKey } from './fair-queue';
import { FairQueues } from './fair-queues';

describe('the fair layer, without Redis', () => {
  it('orders a project line by the job priority, 1 most urgent, none first', () => {
    expect([priorityOf({}), priorityOf({ priority: 1 }), priorityOf({ priority: 10 })]).toEqual([0, 1, 10]);
    // Out of range or fractional values cannot move a job out of its project order.
    expect([priorityOf({ priority: -3 }), priorityOf({ priority: 2.7 }), priorityOf({ priority: 1e9 })]).toEqual([
      0, 2, 100,
    ]);
  });

  it('keeps its keys under the queue prefix, one base per queue', () => {
    expect(fairBase('stevedore', 'test-runs')).toBe('stevedore:fair:test-runs');
    expect(runningLimitsKey('stevedore')).toBe('stevedore:fair:limits:running');
  });

  describe('FairQueues', () => {
    const fairKind = jobKind<{ id: string }>()({
      queue: 'fair-kind',
      name: 'job',
      fair: { capKey: 'RUNNING_CAPACITY' },
    });
    const plainKind = jobKind<{ id: string }>()({ queue: 'plain-kind', name: 'job' });
    const catalogue = new JobCatalogue([fairKind, plainKind]);
    const queueNamed = (name: string) =>
      ({ name, add: jest.fn(() => Promise.resolve()), addBulk: jest.fn(() => Promise.resolve()) }) as unknown as Queue;
    const build = (on: boolean) => {
      const queues = { 'fair-kind': queueNamed('fair-kind'), 'plain-kind': queueNamed('plain-kind') };
      const moduleRef = { get: (token: string) => queues[token.replace(/^BullQueue_/, '') as keyof typeof queues] };
      const config = { env: { FAIR_DISPATCH: on, QUEUE_PREFIX: 'p', RUNNING_CAPACITY: 4 } } as unknown as AppConfig;
      const redis = { defineCommand: jest.fn() } as unknown as Redis;
      return { fair: new FairQueues(moduleRef as unknown as ModuleRef, catalogue, config, redis), queues };
    };
    const job = { name: 'job', data: { id: 'j1' }, opts: { jobId: 'j1' } };

    it('gives a layer to the kinds that ask for one, and none when FAIR_DISPATCH is off', () => {
      expect(build(true).fair.of('fair-kind')?.base).toBe('p:fair:fair-kind');
      expect(build(true).fair.of('plain-kind')).toBeUndefined();
      expect(build(false).fair.of('fair-kind')).toBeUndefined();
    });

    it('adds straight to the queue without a layer (one shared FIFO queue, as before)', async () => {
      const { fair, queues } = build(false);
      await fair.enqueue(queues['fair-kind'], 'project', [job]);
      expect(queues['fair-kind'].add).toHaveBeenCalledWith('job', { id: 'j1' }, { jobId: 'j1' });
    });
  });
});
