import type { Sql } from '../../src/platform/database.ts';
import type { Ack, SimTerminal } from './terminal.ts';

// What pos-sim holds the service to at the end of a run, for its own tenant. Each check returns the
// breaches it found (empty: it held), in words a person can act on.

/** Every acknowledged write applied exactly once, and nothing applied that no till was told about. */
export async function exactlyOnce(sql: Sql, tenantId: string, acks: Ack[]): Promise<string[]> {
  const breaches: string[] = [];
  const keys = acks.map((a) => a.write.idempotencyKey);
  if (new Set(keys).size !== keys.length) breaches.push('a write was acknowledged twice');
  const stored = (await sql`select key from idempotency_keys where tenant_id = ${tenantId}`).map((r) => r.key as string);
  const storedSet = new Set(stored);
  const missing = keys.filter((k) => !storedSet.has(k));
  const ackedSet = new Set(keys);
  const unacked = stored.filter((k) => !ackedSet.has(k));
  if (missing.length) breaches.push(`${missing.length} acknowledged writes left no stored answer (e.g. ${missing[0]})`);
  if (unacked.length) breaches.push(`${unacked.length} writes applied that no till was told about (e.g. ${unacked[0]})`);

  const of = (op: Ack['write']['op']) => acks.filter((a) => a.write.op === op);
  const checkouts = of('checkout');
  // Ledger rows each acknowledged write must have left: one per earn that earned, add and redemption;
  // a checkout one for the points it redeemed and one for those it earned.
  const ledgerExpected = of('earn').filter((a) => a.value.pointsEarned > 0).length + of('addPoints').length + of('redeemPoints').length
    + checkouts.filter((a) => a.value.pointsRedeemed > 0).length + checkouts.filter((a) => a.value.pointsEarned > 0).length;
  const txIds = [...of('earn').filter((a) => a.value.transaction), ...of('addPoints'), ...of('redeemPoints')].map((a) => a.value.transaction.id as string);
  const orderIds = checkouts.map((a) => a.value.id as string);
  const [row] = await sql`select
      (select count(*)::int from ledger where tenant_id = ${tenantId}) as ledger,
      (select count(*)::int from ledger where tenant_id = ${tenantId} and id = any(${txIds}::uuid[])) as "txFound",
      (select count(*)::int from orders where tenant_id = ${tenantId}) as orders,
      (select count(*)::int from orders where tenant_id = ${tenantId} and id = any(${orderIds}::uuid[])) as "ordersFound",
      (select count(*)::int from gift_cards where tenant_id = ${tenantId}) as cards,
      (select count(*)::int from gift_card_activity a join gift_cards g on g.id = a.gift_card_id where g.tenant_id = ${tenantId}) as activity`;
  const expect = (what: string, got: number, want: number) => { if (got !== want) breaches.push(`${what}: ${got} rows, ${want} expected`); };
  expect('ledger', row.ledger, ledgerExpected);
  expect('acknowledged ledger rows found', row.txFound, txIds.length);
  expect('orders', row.orders, checkouts.length);
  expect('acknowledged orders found', row.ordersFound, orderIds.length);
  expect('gift cards', row.cards, of('issueGiftCard').length);
  expect('gift card activity', row.activity, of('issueGiftCard').length + of('redeemGiftCard').length);
  return breaches;
}

/** The tenant's ids run 1..n without a gap, and every terminal saw exactly those, once each, in order. */
export async function everyEventSeen(sql: Sql, tenantId: string, terminals: SimTerminal[]): Promise<string[]> {
  const breaches: string[] = [];
  const ids = (await sql`select id from events where tenant_id = ${tenantId} order by id`).map((r) => String(r.id));
  if (ids.some((id, i) => Number(id) !== i + 1)) breaches.push('the outbox ids of the tenant have a gap');
  for (const t of terminals) {
    const seen = t.seen.map((e) => e.id);
    if (t.stats.resets) breaches.push(`terminal ${t.n} had to reset ${t.stats.resets} time(s)`);
    if (new Set(seen).size !== seen.length) breaches.push(`terminal ${t.n} applied an event twice`);
    if (seen.length !== ids.length || seen.some((id, i) => id !== ids[i])) {
      const missing = ids.filter((id) => !seen.includes(id));
      breaches.push(`terminal ${t.n} saw ${seen.length} of ${ids.length} events${missing.length ? ` (first missing: ${missing[0]})` : ' (out of order)'}`);
    }
  }
  return breaches;
}

/** The invariant views (I1, I5) are empty, and no balance or ledger row breaks I2/I4, for the tenant. */
export async function invariantsHold(sql: Sql, tenantId: string): Promise<string[]> {
  const [r] = await sql`select
      (select count(*)::int from points_discrepancies where tenant_id = ${tenantId}) as points,
      (select count(*)::int from gift_card_discrepancies where tenant_id = ${tenantId}) as cards,
      (select count(*)::int from customers where tenant_id = ${tenantId} and points_balance < 0) as "negativePoints",
      (select count(*)::int from gift_cards where tenant_id = ${tenantId} and balance_cents < 0) as "negativeCards",
      (select count(*)::int from ledger where tenant_id = ${tenantId} and balance_after <> balance_before + points) as "brokenLedger"`;
  return Object.entries(r).filter(([, n]) => n !== 0).map(([k, n]) => `invariant ${k}: ${n} rows`);
}
