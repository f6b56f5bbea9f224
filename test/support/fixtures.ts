import { expect } from 'bun:test';
import type { Sql } from '../../src/platform/database.ts';
import { pointsInvariants, type Api } from './app.ts';

/** I1–I5 over the whole database: points and gift card balances equal their ledgers, nothing negative, rows add up. */
export async function invariants(sql: Sql) {
  const points = await pointsInvariants(sql);
  const [{ cards }] = await sql`select count(*)::int as cards from gift_card_discrepancies`;
  const [{ negativeCards }] = await sql`select count(*)::int as "negativeCards" from gift_cards where balance_cents < 0`;
  const [{ brokenActivity }] = await sql`select count(*)::int as "brokenActivity" from gift_card_activity
    where balance_after <> balance_before + amount_cents`;
  return { ...points, cardDiscrepancies: cards, negativeCards, brokenActivity };
}

export const CLEAN = { discrepancies: 0, negative: 0, broken: 0, cardDiscrepancies: 0, negativeCards: 0, brokenActivity: 0 };

export async function expectInvariants(sql: Sql) {
  expect(await invariants(sql)).toEqual(CLEAN);
}

/** Row counts of everything a checkout or cancellation can write, for all-or-nothing assertions. */
export async function footprint(sql: Sql) {
  const [row] = await sql`select
    (select count(*)::int from orders) as orders,
    (select count(*)::int from order_status_history) as history,
    (select count(*)::int from ledger) as ledger,
    (select count(*)::int from gift_card_activity) as activity,
    (select count(*)::int from events) as events,
    (select count(*)::int from customers) as customers,
    (select count(*)::int from reconciliation_queue) as queue,
    (select coalesce(sum(balance_cents), 0)::bigint from gift_cards) as card_balances,
    (select coalesce(sum(points_balance), 0)::bigint from customers) as point_balances,
    (select coalesce(max(last_number), 0)::bigint from order_counters) as last_order_number`;
  return row;
}

export async function enrol(api: Api, phone: string, points = 0, name = 'Test Customer') {
  const r = await api.post('/api/v1/customers', { phone, name });
  expect(r.status).toBe(201);
  if (points > 0) expect((await api.post(`/api/v1/customers/${r.body.id}/points/add`, { points })).status).toBe(200);
  return r.body as { id: string; phone: string };
}

export async function issueCard(api: Api, amountCents: number, extra: Record<string, unknown> = {}) {
  const r = await api.post('/api/v1/gift-cards', { amountCents, purchasedBy: 'Pat Buyer', ...extra });
  expect(r.status).toBe(201);
  return r.body as { id: string; code: string; balanceCents: number };
}

/** Events of a tenant after a given id, oldest first, as stored in the outbox. */
export async function eventsAfter(sql: Sql, tenantId: string, after: number) {
  return sql`select id, type, data, actor from events where tenant_id = ${tenantId} and id > ${after} order by id`;
}

export async function lastEventId(sql: Sql, tenantId: string): Promise<number> {
  const [{ id }] = await sql`select coalesce(max(id), 0)::int as id from events where tenant_id = ${tenantId}`;
  return id;
}

export const burger = { name: 'Burger', quantity: 2, unitPriceCents: 850 };
export const fries = { name: 'Fries', quantity: 1, unitPriceCents: 300 };
