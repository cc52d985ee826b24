import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { cancelChannel } from '../../queues/cancel-channel';
import { JobCancelListener } from '../../worker-runtime/job-cancel-listener';
import { RedisConnectionFactory } from '../../redis/redis-connection.factory';
import { STOP_REASONS } from '../../worker-runtime/stop-reasons';
import { ScrapesProcessor } from './scrapes.processor';

/** Stops a running scrape when the API asks (POST /api/scrapes/:id/cancel). */
@Injectable()
export class ScrapeCancelListener extends JobCancelListener {
  constructor(redis: RedisConnectionFactory, config: AppConfig, processor: ScrapesProcessor) {
    super(redis, cancelChannel(config.env.QUEUE_PREFIX, 'scrapes'), () => processor.worker, STOP_REASONS.cancel);
  }
}
