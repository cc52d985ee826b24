import { BadRequestException } from '@nestjs/common';

/**
 * The `nextCursor` of newest-first lists: the last item's time and id, opaque to clients.
 * A cursor that is not one of ours is a 400, not a database error.
 */
export const encodeCursor = (at: Date, id: string): string => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new BadRequestException(['cursor is not a cursor this API gave out']);
  return { at, id };
}

/** The page limit as the lists accept it (the DTO checks it for REST; GraphQL arrives here). */
export function pageLimit(limit: number | undefined): number {
  const n = limit ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new BadRequestException(['limit must be a whole number from 1 to 100']);
  return n;
}
