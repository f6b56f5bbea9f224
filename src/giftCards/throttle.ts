import type { Caller } from '../identity/caller.ts';
import type { Sql } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';

/** Lookups of codes that do not exist, per API key (or admin), allowed in any rolling minute. */
export const GIFT_CARD_MISS_LIMIT = 10;

/**
 * Run work that looks a gift card up by code, throttling code guessing per caller, whichever door: every
 * lookup that misses (404 for this tenant) is recorded, and a caller with GIFT_CARD_MISS_LIMIT misses in
 * the last minute gets 429 (with retryAfterSeconds, which the error path sends as Retry-After) before any
 * lookup. Hits cost nothing, so a till serving real cards is never slowed. Misses are written on the pool,
 * outside the request's transaction, which the 404 rolls back.
 */
export async function withGiftCardThrottle<T>(sql: Sql, caller: Caller, work: () => Promise<T>): Promise<T> {
  const { actor } = caller;
  const [row] = await sql`
    select count(*)::int as misses,
           ceil(extract(epoch from min(at) + interval '1 minute' - now()))::int as retry_after
    from gift_card_misses where actor = ${actor} and at > now() - interval '1 minute'`;
  if (row.misses >= GIFT_CARD_MISS_LIMIT) {
    const retryAfter = Math.max(1, row.retry_after ?? 60);
    throw new ApiError(429, 'too_many_gift_card_misses',
      `Too many unknown gift card codes in the last minute; retry in ${retryAfter} s.`, { retryAfterSeconds: retryAfter });
  }
  try {
    return await work();
  } catch (err) {
    if (isGiftCardMiss(err)) {
      await sql`
        with pruned as (delete from gift_card_misses where actor = ${actor} and at < now() - interval '1 hour')
        insert into gift_card_misses (actor) values (${actor})`;
    }
    throw err;
  }
}

/** The 404 for a code the caller's tenant does not have (the SQL functions raise the same shape). */
export const giftCardNotFound = () => new ApiError(404, 'not_found', 'Gift card not found.', { resource: 'giftCard' });

/** SQL raises 404 with hint {"resource":"giftCard"} when a code is unknown to the tenant. */
function isGiftCardMiss(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 404 && err.extra.resource === 'giftCard';
  const pg = err as { code?: string; hint?: string };
  return pg?.code === 'TS404' && typeof pg.hint === 'string' && pg.hint.includes('"giftCard"');
}

/** The throttle looks back a minute; misses are kept an hour for operators, then forgotten. */
export async function pruneGiftCardMisses(sql: Sql): Promise<number> {
  return (await sql`delete from gift_card_misses where at < now() - interval '1 hour' returning 1`).length;
}
