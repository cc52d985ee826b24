import type { DataSource, EntityManager } from 'typeorm';

/**
 * One content object (`blobs/sha256/<hash>`) is shared by every row that names its hash, so
 * it may go only when none does. The retention sweep deletes rows first, then, holding this
 * lock, looks again for a row and deletes the object only if there is none. A worker that
 * found the object already there and wrote its row looks, holding the same lock, whether the
 * object is still there, and uploads it again if not. Either the sweep's look sees the new row,
 * or the worker's look comes after the delete: a new artifact is never left without its bytes.
 */
export interface ContentLock {
  hold<T>(sha256: string, work: (m: EntityManager) => Promise<T>): Promise<T>;
}

/** The lock as a PostgreSQL transaction-scoped advisory lock on the hash: every process (API, workers) shares it. */
export class PgContentLock implements ContentLock {
  constructor(private readonly db: DataSource) {}

  hold<T>(sha256: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('stevedore.content'), hashtext($1))`, [sha256]);
      return work(m);
    });
  }
}
