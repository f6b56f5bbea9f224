import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import { atLocation } from '../locations/where.ts';
import type { Db } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import type {
  ReconciliationItem, ReconciliationListQuery, ReconciliationPage, ReconciliationResolve, ResolvedItem,
} from './schemas.ts';

// The reconciliation queue, both doors: what the system could not settle alone (points owed after a
// cancellation, a refund to a voided card) waits here for a person. reconciliation_resolve()
// (sql/0002_orders_gift_cards.sql) marks an item done and, given points, adds a correcting ledger row.

const NOT_FOUND = 'Reconciliation item';

/** An id that is not a uuid names no item: 404, as for an item that does not exist. */
function itemId(id: string): string {
  if (!Id.safeParse(id).success) throw notFound(NOT_FOUND);
  return id;
}

/** Items newest first, keyset by the queue's sequence: open ones unless asked otherwise. */
export async function listItems(db: Db, caller: Caller, query: ReconciliationListQuery): Promise<ReconciliationPage> {
  authorize(caller, 'reconciliation.read');
  const { status, limit } = query;
  const after = decodeCursor(query.cursor);
  const rows = await db`
    select reconciliation_json(r) as item, r.seq from reconciliation_queue r
    where r.tenant_id = ${caller.tenantId}
      ${status === 'open' ? db`and r.resolved_at is null` : status === 'resolved' ? db`and r.resolved_at is not null` : db``}
      ${after !== null ? db`and r.seq < ${after}` : db``}
    order by r.seq desc limit ${limit + 1}`;
  return keysetPage(rows, limit, (r) => r.item as ReconciliationItem);
}

export async function getItem(db: Db, caller: Caller, id: string): Promise<ReconciliationItem> {
  authorize(caller, 'reconciliation.read');
  const [row] = await db`select reconciliation_json(r) as item from reconciliation_queue r
    where r.tenant_id = ${caller.tenantId} and r.id = ${itemId(id)}`;
  if (!row) throw notFound(NOT_FOUND);
  return row.item as ReconciliationItem;
}

/** Resolve with a note; signed points add a correcting `adjust` row (refused if it would go negative). */
export async function resolveItem(db: Db, caller: Caller, id: string, input: ReconciliationResolve): Promise<ResolvedItem> {
  authorize(caller, 'reconciliation.resolve');
  return atLocation(db, caller, undefined, async (tx) => {
    const [{ r }] = await tx`select reconciliation_resolve(${caller.tenantId}, ${itemId(id)}, ${input.note},
      ${input.points ?? null}, ${caller.actor}) as r`;
    return r as ResolvedItem;
  });
}
