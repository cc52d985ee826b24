import { Cluster, type Redis } from 'ioredis';

/**
 * Every key matching `pattern`. SCAN walks one server: on Redis Cluster (a Cluster client
 * handed out as `Redis`, see RedisConnectionFactory) each master is walked in turn, since
 * SCAN sent through the cluster reaches one node, not necessarily the keys' own.
 */
export async function scanKeys(client: Redis, pattern: string, count = 500): Promise<string[]> {
  const nodes: Redis[] = client instanceof Cluster ? (client as Cluster).nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}
