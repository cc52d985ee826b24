import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './free-port';

/** s3rver's fixed credentials: it checks signatures made with them. */
export const S3RVER_KEY = 'S3RVER';

/**
 * A local S3-protocol server (s3rver) on a free loopback port with one bucket, its data in a
 * temp folder removed on stop; `env` configures the platform for it.
 */
export class S3TestServer {
  readonly bucket = 'stevedore-artifacts';
  port = 0;
  directory = '';
  private server?: S3rver;

  async start(): Promise<this> {
    this.directory = await mkdtemp(join(tmpdir(), 'stevedore-s3-'));
    this.port = await freePort();
    this.server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      silent: true,
      directory: this.directory,
      configureBuckets: [{ name: this.bucket }],
    });
    await this.server.run();
    return this;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get env(): Record<string, string> {
    return {
      ARTIFACTS_S3_BUCKET: this.bucket,
      ARTIFACTS_S3_ENDPOINT: this.endpoint,
      ARTIFACTS_S3_REGION: 'us-east-1',
      ARTIFACTS_S3_ACCESS_KEY_ID: S3RVER_KEY,
      ARTIFACTS_S3_SECRET_ACCESS_KEY: S3RVER_KEY,
      ARTIFACTS_S3_FORCE_PATH_STYLE: 'true',
    };
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
