import { BadRequestException } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * The `nextCursor` of newest-first lists: the last item's time and id, opaque to clients.
 * A cursor that is not one of ours is a 400, not a database error.
 */
export const encodeCursor = (at: Date, id: string): string =>
  Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id))
    throw new BadRequestException(['cursor is not a cursor this API gave out']);
  return { at, id };
}

/** The page limit as the lists accept it (the DTO checks it for REST; GraphQL arrives here). */
export function pageLimit(limit: number | undefined): number {
  const n = limit ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new BadRequestException(['limit must be a whole number from 1 to 100']);
  return n;
}

/** One page of a newest-first list. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A newest-first page of `qb` (its filters already applied): ordered by `timeColumn` of its
 * alias, then id, after the cursor; one row more than the limit says whether a next page
 * exists. `timeOf` reads that column's value from a row, for the next cursor.
 */
export async function newestFirstPage<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  timeColumn: string,
  timeOf: (row: T) => Date,
  query: { limit?: number; cursor?: string },
): Promise<CursorPage<T>> {
  const limit = pageLimit(query.limit);
  const [time, id] = [`${qb.alias}.${timeColumn}`, `${qb.alias}.id`];
  qb.orderBy(time, 'DESC')
    .addOrderBy(id, 'DESC')
    .take(limit + 1);
  if (query.cursor) qb.andWhere(`(${time}, ${id}) < (:at, :id)`, decodeCursor(query.cursor));
  const rows = await qb.getMany();
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null };
}
