import { Injectable, Logger } from '@nestjs/common';
import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';
import { closeRedis } from './close-redis';

/** Reconnect quickly (at most every 2 s) for as long as Redis is away: a restart is a few seconds. */
export const redisRetryStrategy = (times: number) => Math.min(times * 200, 2000);

/** BullMQ's connection options; `blocking` ones (workers, queue events) must keep commands while reconnecting. */
export interface BullConnectionOptions {
  url: string;
  connectionName: string;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
  retryStrategy: (times: number) => number;
  enableAutoPipelining?: boolean;
}

/**
 * What BullMQ gets as `connection`: options on one Redis (it opens and owns its own
 * connections), or on Redis Cluster a Cluster client (BullMQ cannot open a cluster from
 * options). Such a client is shared by every queue and worker given it: BullMQ duplicates
 * it for blocking reads and leaves it open, so `closeShared()` ends it at shutdown.
 */
export type BullConnection = BullConnectionOptions | Cluster;

/** The retry and offline-queue behaviour of a connection, the same on one Redis and on a cluster. */
type Behaviour = Pick<RedisOptions, 'maxRetriesPerRequest' | 'enableOfflineQueue' | 'enableAutoPipelining'>;

/**
 * The one place Redis connections are described. BullMQ gets plain options, or a Cluster
 * client (their errors reach the outage log through its classes, see observed-bullmq.ts);
 * everything else asks `create()` for a named client.
 *
 * With REDIS_CLUSTER_NODES set every connection is an ioredis Cluster on those seed nodes
 * (REDIS_URL lends only its user, password and TLS). A Cluster is handed out typed as
 * `Redis`: the commands the platform sends are the same, and every key it builds starts
 * with QUEUE_PREFIX, whose hash tag (required, see env.schema.ts) puts them all in one
 * slot, so multi-key commands and scripts run as on one Redis. SCAN is the one command
 * that differs (it sees one node): use `scanKeys`.
 */
@Injectable()
export class RedisConnectionFactory {
  private readonly logger = new Logger('Redis');
  private readonly shared = new Map<string, Cluster>();

  constructor(private readonly config: AppConfig) {}

  get isCluster(): boolean {
    return this.config.env.REDIS_CLUSTER_NODES.length > 0;
  }

  /** Options for BullMQ workers and queue events: blocking commands need no retry cap. */
  bullOptions(purpose: string): BullConnection {
    const behaviour = { maxRetriesPerRequest: null, enableOfflineQueue: true };
    if (this.isCluster) return this.sharedCluster('bull', purpose, behaviour);
    return {
      url: this.config.env.REDIS_URL,
      ...behaviour,
      retryStrategy: redisRetryStrategy,
      connectionName: this.name(purpose),
    };
  }

  /**
   * Options for connections that only add jobs (the API's queues and flow producer): a
   * command fails at once while Redis is away, and one caught by a dropped connection
   * fails after one retry, so a request gets its 503 instead of waiting for Redis.
   */
  producerOptions(purpose: string, extra: Pick<Behaviour, 'enableAutoPipelining'> = {}): BullConnection {
    const behaviour = { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...extra };
    if (this.isCluster) return this.sharedCluster('producer', purpose, behaviour);
    return {
      url: this.config.env.REDIS_URL,
      retryStrategy: redisRetryStrategy,
      connectionName: this.name(purpose),
      ...behaviour,
    };
  }

  /** A client for our own commands; fails fast instead of queueing commands while Redis is down. */
  create(purpose: string, extra: RedisOptions = {}): Redis {
    const client = this.isCluster
      ? // Typed as Redis on purpose: see the class comment.
        (this.cluster(purpose, { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...extra }) as unknown as Redis)
      : new Redis(this.config.env.REDIS_URL, {
          connectionName: this.name(purpose),
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          retryStrategy: redisRetryStrategy,
          ...extra,
        });
    this.observe(client, purpose);
    return client;
  }

  /** Ends the Cluster clients handed to BullMQ (it leaves shared clients open); after the queues closed. */
  async closeShared(): Promise<void> {
    const clients = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(clients.map((client) => closeRedis(client as unknown as Redis)));
  }

  private sharedCluster(kind: string, purpose: string, behaviour: Behaviour): Cluster {
    let client = this.shared.get(kind);
    if (!client) {
      client = this.cluster(purpose, behaviour);
      this.observe(client, purpose);
      this.shared.set(kind, client);
    }
    return client;
  }

  private cluster(purpose: string, options: RedisOptions): Cluster {
    const { enableOfflineQueue, enableAutoPipelining, maxRetriesPerRequest, ...rest } = options;
    const auth = this.clusterAuth();
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue,
      enableAutoPipelining,
      clusterRetryStrategy: redisRetryStrategy,
      redisOptions: { ...auth, ...rest, connectionName: this.name(purpose), maxRetriesPerRequest },
    };
    return new Cluster(this.config.env.REDIS_CLUSTER_NODES, clusterOptions);
  }

  /** REDIS_URL's user, password and TLS, for every node of the cluster (its host is not used). */
  private clusterAuth(): RedisOptions {
    const url = new URL(this.config.env.REDIS_URL);
    return {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  }

  private observe(client: Redis | Cluster, purpose: string): void {
    // Without a listener ioredis prints every reconnect failure outside the JSON log.
    client.on('error', (err: unknown) => outageLog.fault(this.logger, err, 'Redis client error', { client: purpose }));
    client.on('ready', () => outageLog.back('redis'));
  }

  private name(purpose: string): string {
    // CLIENT SETNAME allows no spaces.
    return `${this.config.workerName}:${purpose}`.replace(/\s+/g, '_');
  }
}
