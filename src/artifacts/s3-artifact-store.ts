import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OnApplicationShutdown } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Env } from '../config/env.schema';
import type { ContentLock } from './content-lock';
import {
  ArtifactStore,
  assertKey,
  mediaTypeOf,
  sha256Of,
  type StoredContent,
  type ArtifactBody,
  type ArtifactRead,
  type DirectHeaders,
  type ByteSpan,
  type StoredObject,
} from './artifact-store';

/** Parts of a multipart upload (S3's smallest but the last), and how many go at once. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_AT_ONCE = 4;

/**
 * S3-compatible object storage (ARTIFACTS_S3_*), so that an API on one machine serves what
 * workers on others stored. Objects are named by key, as the local folder names files;
 * a worker stages each file under ARTIFACTS_DIR and removes it once uploaded.
 */
export class S3ArtifactStore extends ArtifactStore implements OnApplicationShutdown {
  readonly description: string;
  private readonly client: S3Client;
  /** Signs direct URLs for the host clients reach storage by (ARTIFACTS_S3_PUBLIC_ENDPOINT); undefined: no redirects. */
  private readonly signer: S3Client | undefined;
  private readonly redirectSeconds: number;
  private readonly bucket: string;
  private readonly staging: string;

  constructor(
    env: Env,
    private readonly lock?: ContentLock,
  ) {
    super();
    this.bucket = env.ARTIFACTS_S3_BUCKET;
    this.staging = resolve(env.ARTIFACTS_DIR);
    this.client = new S3Client(clientConfig(env, env.ARTIFACTS_S3_ENDPOINT));
    this.redirectSeconds = env.ARTIFACTS_S3_REDIRECT_SECONDS;
    // A URL is signed for its host: the public name when clients reach storage by another one.
    this.signer =
      this.redirectSeconds === 0
        ? undefined
        : env.ARTIFACTS_S3_PUBLIC_ENDPOINT
          ? new S3Client(clientConfig(env, env.ARTIFACTS_S3_PUBLIC_ENDPOINT))
          : this.client;
    this.description = `the bucket ${this.bucket}${env.ARTIFACTS_S3_ENDPOINT ? ` at ${env.ARTIFACTS_S3_ENDPOINT}` : ''}`;
  }

  stagingPath(key: string): string {
    assertKey(key);
    return resolve(this.staging, key);
  }

  async put(key: string, body: ArtifactBody, contentType: string): Promise<void> {
    assertKey(key);
    const source = body instanceof Readable || body instanceof Uint8Array ? body : createReadStream(body.path);
    // lib-storage sends a small body in one PUT and a large one (a long video) in parts.
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: source, ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_AT_ONCE,
    }).done();
  }

  async publish(key: string, contentType: string): Promise<void> {
    const path = this.stagingPath(key);
    await this.put(key, { path }, contentType);
    await rm(path, { force: true });
  }

  async publishContent(
    key: string,
    contentType: string,
    record?: (content: StoredContent) => Promise<void>,
  ): Promise<StoredContent> {
    const path = this.stagingPath(key);
    const sha256 = await sha256Of(path);
    const objectKey = `blobs/sha256/${sha256}`;
    // The same bytes are there already (another run's identical screenshot): not sent again.
    const found = await this.exists(objectKey);
    if (!found) await this.put(objectKey, { path }, contentType);
    if (record) {
      await record({ sha256, objectKey });
      // The retention sweep may have deleted the object since (one an old run's rows named, found
      // here, or even this upload, by a sweep that looked before this row): now that this row
      // names it, look again under the content lock (see content-lock.ts).
      const missing = () => this.exists(objectKey).then((there) => !there);
      if (this.lock ? await this.lock.hold(sha256, missing) : await missing())
        await this.put(objectKey, { path }, contentType);
    }
    await rm(path, { force: true });
    return { sha256, objectKey };
  }

  async deleteContentIfUnused(sha256: string, objectKey: string): Promise<boolean> {
    assertKey(objectKey);
    if (!this.lock) throw new Error('Deleting content objects needs the content lock');
    return this.lock.hold(sha256, async (m) => {
      const named = (await m.query(`SELECT 1 FROM run_artifacts WHERE sha256 = $1 AND object_key = $2 LIMIT 1`, [
        sha256,
        objectKey,
      ])) as unknown[];
      if (named.length > 0) return false;
      await this.delete(objectKey);
      return true;
    });
  }

  async publishFolder(prefix: string): Promise<void> {
    const root = this.stagingPath(prefix);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      // Regular files only: a link is never followed to what it points at.
      if (!entry.isFile()) continue;
      const key = relative(this.staging, join(entry.parentPath, entry.name)).split(sep).join('/');
      await this.publish(key, mediaTypeOf(key));
    }
    await this.clearStaging(prefix);
  }

  async clearStaging(prefix: string): Promise<void> {
    await rm(this.stagingPath(prefix), { recursive: true, force: true });
  }

  async head(key: string): Promise<StoredObject | undefined> {
    assertKey(key);
    try {
      const found = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: found.ContentLength ?? 0, contentType: found.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async get(key: string, range?: ByteSpan): Promise<ArtifactRead | undefined> {
    assertKey(key);
    try {
      const found = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // A ranged answer's Content-Range ends in the whole object's size.
      const total = /\/(\d+)$/.exec(found.ContentRange ?? '')?.[1];
      return {
        size: total !== undefined ? Number(total) : (found.ContentLength ?? 0),
        contentType: found.ContentType ?? 'application/octet-stream',
        stream: found.Body as Readable,
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  override async directUrl(key: string, headers: DirectHeaders): Promise<string | undefined> {
    assertKey(key);
    if (!this.signer) return undefined;
    const read = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: headers.contentType,
      ResponseContentDisposition: headers.contentDisposition,
    });
    return getSignedUrl(this.signer, read, { expiresIn: this.redirectSeconds });
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertKey(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length)
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Ends the clients' sockets. */
  close(): void {
    this.client.destroy();
    if (this.signer && this.signer !== this.client) this.signer.destroy();
  }

  onApplicationShutdown(): void {
    this.close();
  }
}

function clientConfig(env: Env, endpoint: string): S3ClientConfig {
  return {
    region: env.ARTIFACTS_S3_REGION,
    endpoint: endpoint || undefined,
    forcePathStyle: env.ARTIFACTS_S3_FORCE_PATH_STYLE,
    // Checksums only where S3 requires them: many S3-compatible servers read no aws-chunked trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials:
      env.ARTIFACTS_S3_ACCESS_KEY_ID && env.ARTIFACTS_S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.ARTIFACTS_S3_ACCESS_KEY_ID, secretAccessKey: env.ARTIFACTS_S3_SECRET_ACCESS_KEY }
        : undefined,
  };
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}
