import { Cluster, Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.service';
import { parseEnv } from '../config/env.schema';
import { RedisConnectionFactory } from './redis-connection.factory';

describe('RedisConnectionFactory', () => {
  const required = { API_KEYS: 'key-0123456789abcdef', BULL_BOARD_PASSWORD: 'password123' };
  const factory = (raw: Record<string, string> = {}) =>
    new RedisConnectionFactory({ env: parseEnv({ ...required, ...raw }), workerName: 'w 1' } as unknown as AppConfig);
  // Nothing listens on port 1: the clients are made, never used.
  const clusterEnv = { REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2', REDIS_URL: 'rediss://u:p%40ss@ignored:6379' };

  it('keeps one Redis at REDIS_URL when no cluster is set', () => {
    const connections = factory();
    expect(connections.isCluster).toBe(false);
    expect(connections.bullOptions('bullmq')).toMatchObject({
      url: 'redis://127.0.0.1:6379',
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      connectionName: 'w_1:bullmq',
    });
    expect(connections.producerOptions('bullmq', { enableAutoPipelining: true })).toMatchObject({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
    });
    const client = connections.create('shared', { lazyConnect: true });
    expect(client).toBeInstanceOf(Redis);
    client.disconnect();
  });

  it('makes Cluster clients with the same retry and offline-queue behaviour, REDIS_URL lending only its credentials', async () => {
    const connections = factory(clusterEnv);
    const client = connections.create('shared') as unknown as Cluster;
    expect(client).toBeInstanceOf(Cluster);
    expect(client.options).toMatchObject({
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1, username: 'u', password: 'p@ss', tls: {}, connectionName: 'w_1:shared' },
    });
    client.disconnect();

    const bull = connections.bullOptions('bullmq') as Cluster;
    expect(bull).toBeInstanceOf(Cluster);
    expect(bull.options).toMatchObject({ enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: null } });
    // Shared: every queue and worker gets the same client, closed once at shutdown.
    expect(connections.bullOptions('events:runs')).toBe(bull);
    const producer = connections.producerOptions('bullmq', { enableAutoPipelining: true }) as Cluster;
    expect(producer).not.toBe(bull);
    expect(producer.options).toMatchObject({
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    await connections.closeShared();
    for (const closed of [bull, producer]) expect(['disconnecting', 'end']).toContain(closed.status);
  });
});
