import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.ts';

// Keyset pagination, shared by every list: `{data, nextCursor}`, newest first.

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Cursor = z.string().max(200).optional();

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

/** Keyset cursors are the last row's internal sequence number, wrapped so clients treat them as opaque. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  const m = Buffer.from(cursor, 'base64url').toString().match(/^s:(\d{1,15})$/);
  if (!m) throw new ApiError(400, 'validation_failed', 'cursor is not one this API issued.');
  return Number(m[1]);
}

/**
 * A keyset page from rows read `limit + 1` at a time, newest first (each row carries its `seq`): the
 * extra row only says there is more, and the cursor is the last returned row's seq.
 */
export function keysetPage<R extends Record<string, any>, T>(rows: readonly R[], limit: number, item: (row: R) => T) {
  const data = rows.slice(0, limit);
  return {
    data: data.map(item),
    nextCursor: rows.length > limit ? encodeCursor(Number(data.at(-1)!.seq)) : null,
  };
}
