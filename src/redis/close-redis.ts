import type { Redis } from 'ioredis';

/**
 * Ends a client at shutdown. Connected: QUIT, so replies still due arrive first. Not
 * connected (Redis away): at once. ioredis queues QUIT behind commands waiting offline
 * (a subscriber's SUBSCRIBE) and sends it on a connection that may never come, which
 * held the shutdown until the last-resort exit.
 */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client || client.status === 'end') return;
  if (client.status !== 'ready') return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}
