import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { QueueRegistry } from '../queues/queue-registry';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { REDIS } from '../redis/redis.module';
import { DRAIN_BEFORE_SHUTDOWN, DrainBeforeShutdown } from './drain-before-shutdown';

/**
 * Closes everything in one explicit order, whatever order Nest would pick for module
 * hooks: workers (drained) → queues → Redis → database. Later hooks find each part
 * already closed, which they tolerate.
 */
@Injectable()
export class ShutdownSequence implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownSequence.name);

  constructor(
    private readonly queues: QueueRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly connections: RedisConnectionFactory,
    private readonly dataSource: DataSource,
    @Optional() @Inject(DRAIN_BEFORE_SHUTDOWN) private readonly workers?: DrainBeforeShutdown,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.step('workers', () => this.workers?.drain(signal));
    await this.step('queues', () => Promise.all(this.queues.all().map(({ queue }) => queue.close())));
    await this.step('redis', () =>
      Promise.all([this.redis.quit().catch(() => this.redis.disconnect()), this.connections.closeShared()]),
    );
    await this.step('database', () => (this.dataSource.isInitialized ? this.dataSource.destroy() : undefined));
    this.logger.log('Shutdown complete');
  }

  private async step(name: string, close: () => Promise<unknown> | undefined): Promise<void> {
    try {
      await close();
      this.logger.debug(`Closed ${name}`);
    } catch (err) {
      // Keep going: a part that fails to close must not keep the rest open.
      this.logger.error({ err }, `Closing ${name} failed`);
    }
  }
}
