import type { Caller } from '../identity/caller.ts';
import type { Sql } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { log } from '../platform/log.ts';

/** Lookups of codes that do not exist, per API key (or admin), allowed in any rolling minute. */
export const GIFT_CARD_MISS_LIMIT = 10;

/** How long a lookup waits for the caller's lookups in flight to turn out hits or misses before giving up. */
export const GIFT_CARD_IN_FLIGHT_WAIT_MS = 5_000;

// Two int4 advisory keys live apart from the one-bigint keys (idempotency, migrations): this constant is
// the first key, a hash of the actor the second. Actors sharing a hash only queue behind each other.
const LOCK_SPACE = 0x4743_4d53; // "GCMS"

/**
 * A lookup in flight is a row of gift_card_misses under this name until its outcome is known: settled
 * as a miss (renamed to the actor) or dropped on a hit. Rows are (actor, at) and nothing else, so the
 * name is what tells "may yet be a miss" from "was a miss" without another column.
 */
export const inFlight = (actor: string) => `pending:${actor}`;

type Turn = { reservedAt: string } | { retryAfter: number } | { wait: true };

/**
 * Run work that looks a gift card up by code, throttling code guessing per caller, whichever door. Count
 * and decide in one step, so racing lookups cannot all slip under the limit: under a lock on the caller,
 * count its misses in the last minute and its lookups in flight, and reserve a place for this lookup
 * before it runs. A hit drops the reservation (a till serving real cards is never throttled), a miss
 * keeps it, so at most GIFT_CARD_MISS_LIMIT misses per minute are ever answered however many race.
 *
 * A caller with GIFT_CARD_MISS_LIMIT misses gets 429 (with retryAfterSeconds, which the error path sends
 * as Retry-After) before any lookup. When the limit is only reached by counting lookups still in flight,
 * this one waits for them to be judged instead: they may be hits. Reservations are written on the pool,
 * outside the request's transaction, which a 404 rolls back.
 */
export async function withGiftCardThrottle<T>(sql: Sql, caller: Caller, work: () => Promise<T>): Promise<T> {
  const { actor } = caller;
  const { reservedAt } = await reserveLookup(sql, actor);
  let outcome: T;
  try {
    outcome = await work();
  } catch (err) {
    await settle(sql, actor, reservedAt, isGiftCardMiss(err));
    throw err;
  }
  await settle(sql, actor, reservedAt, false);
  return outcome;
}

async function reserveLookup(sql: Sql, actor: string): Promise<{ reservedAt: string }> {
  const deadline = Date.now() + GIFT_CARD_IN_FLIGHT_WAIT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const turn = await takeTurn(sql, actor);
    if ('reservedAt' in turn) return turn;
    if ('retryAfter' in turn) throw tooManyMisses(turn.retryAfter);
    // Lookups of ours that never came back (a process killed mid-lookup) leave the window after a minute.
    if (Date.now() + pause > deadline) {
      throw new ApiError(429, 'too_many_gift_card_misses',
        'Too many gift card lookups in flight at once; retry in 1 s.', { retryAfterSeconds: 1 });
    }
    await Bun.sleep(pause);
  }
}

function takeTurn(sql: Sql, actor: string): Promise<Turn> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${actor}))`;
    const [row] = await tx`
      select count(*) filter (where actor = ${actor})::int as misses,
             count(*) filter (where actor = ${inFlight(actor)})::int as in_flight,
             ceil(extract(epoch from min(at) filter (where actor = ${actor}) + interval '1 minute' - now()))::int as retry_after
      from gift_card_misses where actor in (${actor}, ${inFlight(actor)}) and at > now() - interval '1 minute'`;
    if (row.misses >= GIFT_CARD_MISS_LIMIT) return { retryAfter: Math.max(1, row.retry_after ?? 60) };
    if (row.misses + row.in_flight >= GIFT_CARD_MISS_LIMIT) return { wait: true };
    // clock_timestamp(), taken under the lock, tells this reservation apart from the caller's others (now()
    // is when the transaction began, which racing transactions can share).
    const [reserved] = await tx`insert into gift_card_misses (actor, at)
      values (${inFlight(actor)}, clock_timestamp()) returning at::text as at`;
    return { reservedAt: reserved.at as string };
  }) as Promise<Turn>;
}

/**
 * A miss keeps its reservation as the miss; anything else (a hit, a refusal about the card, a fault)
 * drops it. Any one in-flight row of this actor with the reservation's time is the reservation; the time
 * goes over as text, since a parameter the client takes for a timestamptz loses its microseconds. If this
 * fails the row stays in flight, which counts against the caller for at most the window: the request's
 * own answer stands.
 */
async function settle(sql: Sql, actor: string, reservedAt: string, miss: boolean) {
  try {
    if (miss) {
      await sql`
        with pruned as (delete from gift_card_misses where actor = ${actor} and at < now() - interval '1 hour')
        update gift_card_misses set actor = ${actor} where ctid = (
          select ctid from gift_card_misses where actor = ${inFlight(actor)} and at = ${reservedAt}::text::timestamptz limit 1)`;
    } else {
      await sql`delete from gift_card_misses where ctid = (
        select ctid from gift_card_misses where actor = ${inFlight(actor)} and at = ${reservedAt}::text::timestamptz limit 1)`;
    }
  } catch (err) {
    log.warn(`a gift card lookup reservation of ${actor} could not be settled; it counts against them for a minute`, err);
  }
}

function tooManyMisses(retryAfter: number) {
  return new ApiError(429, 'too_many_gift_card_misses',
    `Too many unknown gift card codes in the last minute; retry in ${retryAfter} s.`, { retryAfterSeconds: retryAfter });
}

/** The 404 for a code the caller's tenant does not have (the SQL functions raise the same shape). */
export const giftCardNotFound = () => new ApiError(404, 'not_found', 'Gift card not found.', { resource: 'giftCard' });

/** SQL raises 404 with hint {"resource":"giftCard"} when a code is unknown to the tenant. */
function isGiftCardMiss(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 404 && err.extra.resource === 'giftCard';
  const pg = err as { code?: string; hint?: string };
  return pg?.code === 'TS404' && typeof pg.hint === 'string' && pg.hint.includes('"giftCard"');
}

/** The throttle looks back a minute; misses (and lookups that never came back) are kept an hour, then forgotten. */
export async function pruneGiftCardMisses(sql: Sql): Promise<number> {
  return (await sql`delete from gift_card_misses where at < now() - interval '1 hour' returning 1`).length;
}
