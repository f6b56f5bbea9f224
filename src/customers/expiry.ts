import type { Caller } from '../identity/caller.ts';
import type { Db, Sql } from '../platform/database.ts';
import { customerById } from './customers.ts';
import type { CustomerDetail, NextExpiry } from './schemas.ts';

// Points expiry (sql/0016_points_expiry.sql holds the rules: FIFO over the ledger, dates stamped when
// points are added, never retroactive unless the owner asks). Both doors read a customer's next expiry
// here; the maintenance loop runs expirePoints.

/** Who wrote an expiry: no person or key did, the maintenance pass did (I9). */
export const EXPIRY_ACTOR = 'system:expiry';
/** Lots looked at per pass: bounds one pass's work; a backlog drains over the following passes. */
export const EXPIRY_BATCH = 500;

/** The customer as GET /customers/{id} shows them: with the next points to expire (null: none). */
export async function customerDetail(db: Db, caller: Caller, id: string): Promise<CustomerDetail> {
  const customer = await customerById(db, caller, id); // asks the policy, 404s an unknown id
  return { ...customer, nextExpiry: await nextExpiry(db, caller.tenantId, customer.id) };
}

export async function nextExpiry(db: Db, tenantId: string, customerId: string): Promise<NextExpiry | null> {
  const [{ next }] = await db`select points_next_expiry(${tenantId}, ${customerId}) as next`;
  return (next as NextExpiry | null) ?? null;
}

/**
 * One expiry pass: the next `limit` lots that fell due since the last pass, across tenants. Each of
 * their customers is expired in its own transaction (points_expire locks the customer row as a
 * redemption does, so a till waits for one customer at most, never a batch); only then does each
 * tenant's mark move past what was looked at, so a pass cut short is simply repeated, writing nothing
 * twice. Returns how many customers had points expire.
 */
export async function expirePoints(sql: Sql, limit = EXPIRY_BATCH): Promise<number> {
  const due = await sql<{ tenant_id: string; customer_id: string; due: string; seq: number }[]>`
    select tenant_id, customer_id, due, seq from points_expiry_candidates(${limit})`;
  const done = new Set<string>();
  const marks = new Map<string, { due: string; seq: number }>();
  let expired = 0;
  for (const lot of due) {
    const key = `${lot.tenant_id}:${lot.customer_id}`;
    if (!done.has(key)) {
      done.add(key);
      const [{ result }] = await sql`select points_expire(${lot.tenant_id}, ${lot.customer_id}, ${EXPIRY_ACTOR}) as result`;
      if (result) expired++;
    }
    marks.set(lot.tenant_id, { due: lot.due, seq: lot.seq }); // rows come in (due, seq) order: the last is the mark
  }
  for (const [tenantId, m] of marks) await sql`select points_expiry_advance(${tenantId}, ${m.due}, ${m.seq})`;
  return expired;
}
