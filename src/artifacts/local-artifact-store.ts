import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ArtifactStore,
  assertKey,
  mediaTypeOf,
  sha256Of,
  type StoredContent,
  type ArtifactBody,
  type ArtifactRead,
  type ByteSpan,
  type StoredObject,
} from './artifact-store';
import { openRegularFile } from './regular-file';

/**
 * The local folder: key `runs/<id>/video.webm` is ARTIFACTS_DIR/runs/<id>/video.webm, the
 * paths used before object storage existed, so data kept then is still served. Only regular
 * files are read, never through a symlink (a sandbox wrote near these folders).
 */
export class LocalArtifactStore extends ArtifactStore {
  readonly description: string;
  private readonly root: string;

  constructor(dir: string) {
    super();
    this.root = resolve(dir);
    this.description = `the folder ${this.root}`;
  }

  stagingPath(key: string): string {
    assertKey(key);
    return resolve(this.root, key);
  }

  async put(key: string, body: ArtifactBody, _contentType: string): Promise<void> {
    const target = this.stagingPath(key);
    await mkdir(dirname(target), { recursive: true });
    if (body instanceof Readable) await pipeline(body, createWriteStream(target));
    else if (body instanceof Uint8Array) await writeFile(target, body);
    else if (resolve(body.path) !== target) await copyFile(body.path, target);
  }

  async publish(): Promise<void> {
    // Written in its place already.
  }

  async publishContent(
    key: string,
    _contentType: string,
    record?: (content: StoredContent) => Promise<void>,
  ): Promise<StoredContent> {
    const content = { sha256: await sha256Of(this.stagingPath(key)), objectKey: key };
    await record?.(content);
    return content;
  }

  async deleteContentIfUnused(): Promise<boolean> {
    // Each run's files are its own (`runs/<id>/...`): they go with the run's folder.
    return false;
  }

  async publishFolder(): Promise<void> {
    // Likewise.
  }

  async clearStaging(): Promise<void> {
    // The staging folder is the store.
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const opened = await this.open(key);
    if (!opened) return undefined;
    await opened.handle.close();
    return { size: opened.size, contentType: mediaTypeOf(key) };
  }

  async get(key: string, range?: ByteSpan): Promise<ArtifactRead | undefined> {
    const opened = await this.open(key);
    if (!opened) return undefined;
    const { start, end } = range ?? { start: 0, end: opened.size - 1 };
    if (opened.size === 0) {
      await opened.handle.close();
      return { size: 0, contentType: mediaTypeOf(key), stream: Readable.from([]) };
    }
    // The stream closes the descriptor when it ends or is destroyed (a client that goes away).
    const stream = opened.handle.createReadStream({ start, end });
    return { size: opened.size, contentType: mediaTypeOf(key), stream };
  }

  async delete(key: string): Promise<void> {
    await rm(this.stagingPath(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.stagingPath(prefix), { recursive: true, force: true });
  }

  /** A regular file, opened without following a symlink and without blocking on a FIFO. */
  private open(key: string) {
    return openRegularFile(this.stagingPath(key));
  }
}
