import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';

export const BULL_BOARD_PATH = '/api/queues';

/** Mounts the Bull Board dashboard for the given queues (protected by dashboard-auth). */
export async function mountBullBoard(app: NestFastifyApplication, queues: Queue[]): Promise<void> {
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Stevedore' } },
  });
  await app.register(serverAdapter.registerPlugin() as never, { prefix: BULL_BOARD_PATH });
}
