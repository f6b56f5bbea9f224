import type { Caller } from '../identity/caller.ts';
import { oneStatement, transaction, type Db, type Tx } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';

// Where a write happens. The domain decides it once per write and sets `tillstream.location` for the
// transaction; every table that records a location defaults to it (sql/0008_locations.sql), so the SQL
// functions need no location parameter and cannot forget it.

const isTx = (db: Db): db is Tx => 'savepoint' in db;
/** Transactions that set `tillstream.location`: a later write in one with no site must unset it. */
const located = new WeakSet<Tx>();

/**
 * The location a write by this caller happens at:
 * - a caller bound to a site (a till's key, a staff admin limited to one) acts there; naming another
 *   site is 403 location_mismatch;
 * - otherwise the site the request names (`locationId` in the body), else the caller's own (the site an
 *   admin picked in the page header), else none.
 */
export function chosenLocation(caller: Caller, requested?: string | null): string | null {
  const bound = caller.boundLocationId ?? null;
  if (bound && requested && requested !== bound) {
    throw new ApiError(403, 'location_mismatch', 'This key (or admin) is bound to another location and can only act at its own.',
      { boundLocationId: bound });
  }
  return bound ?? requested ?? caller.locationId ?? null;
}

/**
 * A site of another tenant is 404; an archived site takes no new writes (409 location_archived). The
 * site's row is share-locked, so it cannot be archived while this write commits.
 */
async function checkWritable(tx: Tx, caller: Caller, id: string) {
  const [row] = await tx`select archived_at from locations where tenant_id = ${caller.tenantId} and id = ${id} for share`;
  if (!row) throw notFound('Location');
  if (row.archived_at) {
    throw new ApiError(409, 'location_archived', 'This location is archived and takes no new writes.', { locationId: id });
  }
}

/**
 * Run a write at its location (see chosenLocation), in the door's transaction or a new one.
 * `tillstream.location` is set (when there is a site, or to clear one set earlier in the same
 * transaction) by a statement sent at once without waiting for its answer: postgres.js
 * pipelines it with the site check or the work's first statement on the transaction's connection, in
 * order, so the setting holds for the work and costs no round trip of its own. (It cannot fail short of
 * the connection failing, which fails the transaction anyway.)
 */
export async function atLocation<T>(db: Db, caller: Caller, requested: string | null | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  const run = async (tx: Tx) => {
    const id = chosenLocation(caller, requested);
    // No site, in a transaction that never named one: the setting is already unset (it is only ever set
    // for a transaction, and reverts at its end), so the statement is skipped: one of a tenant-wide
    // redemption's four statements, on both sides of the socket.
    if (!id && !located.has(tx)) return work(tx);
    located.add(tx);
    const set = tx`select set_config('tillstream.location', ${id ?? ''}, true)`.execute();
    if (id) await checkWritable(tx, caller, id);
    const out = await work(tx);
    await set;
    return out;
  };
  return isTx(db) ? run(db) : (db.begin(run) as Promise<T>);
}

/**
 * atLocation for work that is one statement: with no site to set and no transaction around it (a
 * request without an Idempotency-Key, from a caller with no site), the statement runs alone on the pool
 * (database.ts oneStatement: one round trip, its own transaction); otherwise as atLocation, in a
 * transaction of its own when it has none (the site's setting and check need one).
 */
export async function atLocationOne<T>(db: Db, caller: Caller, requested: string | null | undefined, work: (db: Db) => Promise<T>): Promise<T> {
  if (isTx(db)) return atLocation(db, caller, requested, work);
  if (chosenLocation(caller, requested)) return transaction(db, (tx) => atLocation(tx, caller, requested, work));
  return oneStatement(db, work);
}
