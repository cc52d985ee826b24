import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { cancelChannel } from '../../queues/cancel-channel';
import { JobCancelListener } from '../../worker-runtime/job-cancel-listener';
import { RedisConnectionFactory } from '../../redis/redis-connection.factory';
import { STOP_REASONS } from '../../worker-runtime/stop-reasons';
import { RunsProcessor } from './runs.processor';

/** Stops a running run when the API asks (POST /api/runs/:id/cancel). */
@Injectable()
export class RunCancelListener extends JobCancelListener {
  constructor(redis: RedisConnectionFactory, config: AppConfig, processor: RunsProcessor) {
    super(redis, cancelChannel(config.env.QUEUE_PREFIX, 'runs'), () => processor.worker, STOP_REASONS.cancel);
  }
}
