import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a stored object is: its size in bytes and media type. */
export interface StoredObject {
  size: number;
  contentType: string;
}

/** An object being read: the bytes asked for (all, or `range`), with the whole object's size. */
export interface ArtifactRead extends StoredObject {
  stream: Readable;
}

/** Bytes `start` to `end`, both included. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** Where a file published by content is: its hash, and the key to read it by. */
export interface StoredContent {
  sha256: string;
  objectKey: string;
}

/** The SHA-256 (hex) of a file. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The headers storage answers a direct URL with, as the API would have. */
export interface DirectHeaders {
  contentType: string;
  contentDisposition: string;
}

/** What `put` stores: a finished file on this machine, bytes, or a stream. */
export type ArtifactBody = { path: string } | Buffer | Uint8Array | Readable;

/**
 * Where run artifacts live, by key (`runs/<run id>/<name>`, `runs/<run id>/report/...`):
 * the local folder (ARTIFACTS_DIR, one machine) or S3-compatible object storage (workers
 * and API on several machines). Workers stage each file under ARTIFACTS_DIR at the key's
 * path and `publish` it once written; the API reads by key and never by path.
 */
export abstract class ArtifactStore {
  /** For logs and the startup line: where artifacts go. */
  abstract readonly description: string;

  /** Where a worker writes a file before it publishes it under `key` (for the local store, its final place). */
  abstract stagingPath(key: string): string;

  /** Stores `body` under `key`, replacing what was there. */
  abstract put(key: string, body: ArtifactBody, contentType: string): Promise<void>;

  /**
   * Stores the finished file at `stagingPath(key)` under `key`: nothing to do for the local
   * store, an upload (multipart when large) and the local copy removed for object storage.
   */
  abstract publish(key: string, contentType: string): Promise<void>;

  /**
   * Like `publish`, but by content: its SHA-256 and the key its bytes are kept under. Object
   * storage keeps one object per content (`blobs/sha256/<hash>`, uploaded only if new); the
   * local folder keeps the file where it was written, so its paths stay those of before.
   * `record` stores the row that names the content; object storage then makes sure, under
   * the content lock (content-lock.ts), that the object it found there was not deleted by the
   * retention sweep meanwhile, and uploads it again if it was.
   */
  abstract publishContent(
    key: string,
    contentType: string,
    record?: (content: StoredContent) => Promise<void>,
  ): Promise<StoredContent>;
  /**
   * Deletes content object `objectKey` (of hash `sha256`) unless a row in run_artifacts still
   * names it, under the content lock; true when it was deleted. The local folder shares no
   * content between runs: nothing to do.
   */
  abstract deleteContentIfUnused(sha256: string, objectKey: string): Promise<boolean>;

  /**
   * Stores every file staged under `prefix` (a script run's folder, written all at once when
   * its sandbox is gone) and clears the staging folder: nothing to do for the local store.
   */
  abstract publishFolder(prefix: string): Promise<void>;

  /** Removes what is left staged under `prefix` once a run has ended (object storage only: locally it is the store). */
  abstract clearStaging(prefix: string): Promise<void>;

  /** Its size and media type; undefined when there is no such object. */
  abstract head(key: string): Promise<StoredObject | undefined>;

  /** Its bytes (all, or `range`); undefined when there is no such object. */
  abstract get(key: string, range?: ByteSpan): Promise<ArtifactRead | undefined>;

  exists(key: string): Promise<boolean> {
    return this.head(key).then((found) => found !== undefined);
  }

  /**
   * A short-lived URL that reads the object straight from storage, with these response
   * headers, for clients that may follow a redirect to another origin; undefined when the
   * API streams it itself (the local folder, or no ARTIFACTS_S3_REDIRECT_SECONDS).
   */
  directUrl(_key: string, _headers: DirectHeaders): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** Removes the object; no error if there is none. */
  abstract delete(key: string): Promise<void>;

  /** Removes every object whose key starts with `prefix` (a run's folder, before a retry). */
  abstract deletePrefix(prefix: string): Promise<void>;
}

/** A key is a relative path of safe segments: no `..`, no empty segment, no leading slash. */
const KEY = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\/?$/;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '..' || segment === '.'))
    throw new Error(`Not an artifact key: ${key}`);
}

/** The whole of a read, in memory (the report zip: bounded when the worker stored it). */
export async function readAll(read: ArtifactRead): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of read.stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  zip: 'application/zip',
  webm: 'video/webm',
  xml: 'application/xml',
  json: 'application/json',
};

/** A media type from the name's extension (for the local store, which keeps none). */
export const mediaTypeOf = (key: string) =>
  TYPES[key.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
