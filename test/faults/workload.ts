import { expect } from 'bun:test';
import type { Sql } from '../../src/platform/database.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';
import { burger } from '../support/fixtures.ts';

// The fault suite's traffic: writes a POS sends (points add and redeem, checkouts), each a logical
// write with its own Idempotency-Key and a tag on the rows it leaves, so after a fault the test can
// say of every write whether it was acknowledged and how many times it landed.

export type Customer = { id: string; phone: string };
export type Write = { tag: string; path: string; body: Record<string, unknown>; key: string; acked: boolean; statuses: string[] };

/** Every event type, so a stream client records everything the outbox holds. */
export const ALL_TYPES = [...Object.keys(eventCatalogue), 'reset'];

/** A mix of writes over `customers`: points added, points redeemed and checkouts, in turn. */
export function writes(prefix: string, count: number, customers: Customer[]): Write[] {
  return Array.from({ length: count }, (_, i) => {
    const tag = `${prefix}-${i}`;
    const c = customers[i % customers.length];
    const kind = i % 3;
    const base = { tag, key: `key-${tag}`, acked: false, statuses: [] as string[] };
    if (kind === 0) return { ...base, path: `/api/v1/customers/${c.id}/points/add`, body: { points: 2, reason: tag } };
    if (kind === 1) return { ...base, path: `/api/v1/customers/${c.id}/points/redeem`, body: { points: 1, reason: tag } };
    return {
      ...base, path: '/api/v1/orders',
      body: { source: 'pos', orderType: 'collection', customer: { phone: c.phone }, items: [burger], specialInstructions: tag },
    };
  });
}

/**
 * What a write may be answered during a fault: done, or "not done, try again" (503 with Retry-After,
 * or 409 while the same key's first try still holds its lock). Never a 500, never anything else.
 */
const ALLOWED = new Set(['200', '201', '503 database_unavailable', '409 idempotency_key_in_use']);

/** Answers outside ALLOWED, as `tag: status code`. */
export function unexpected(all: Write[]): string[] {
  return all.flatMap((w) => w.statuses.filter((s) => !ALLOWED.has(s)).map((s) => `${w.tag}: ${s}`));
}

/**
 * Send one write (again, if it was refused before: the same key and body). `boundMs` is the longest
 * any request may take to be answered: past it the fetch is aborted and the test fails.
 */
export async function send(base: string, apiKey: string, w: Write, boundMs: number): Promise<string> {
  const res = await fetch(base + w.path, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': w.key },
    body: JSON.stringify(w.body),
    signal: AbortSignal.timeout(boundMs),
  });
  const text = await res.text();
  let status = String(res.status);
  if (res.status === 200 || res.status === 201) {
    w.acked = true;
  } else {
    let code = '';
    try { code = JSON.parse(text).code; } catch { code = `(not JSON) ${text.slice(0, 80)}`; }
    status += ` ${code}`;
    if (res.status === 503 && !/^[1-9]\d*$/.test(res.headers.get('retry-after') ?? '')) status += ' without Retry-After';
  }
  w.statuses.push(status);
  return status;
}

/** After the fault: send every write not yet acknowledged again, as a client would, until it is. */
export async function settle(base: string, apiKey: string, all: Write[], boundMs: number) {
  for (let round = 0; round < 50 && all.some((w) => !w.acked); round++) {
    if (round) await Bun.sleep(200);
    await Promise.all(all.filter((w) => !w.acked).map((w) => send(base, apiKey, w, boundMs)));
  }
  expect(all.filter((w) => !w.acked).map((w) => w.tag)).toEqual([]);
}

/** Every acknowledged write left its rows exactly once: one ledger row or one order per tag. */
export async function expectEachOnce(sql: Sql, all: Write[]) {
  const tags = all.map((w) => w.tag);
  const rows = await sql`
    select reason as tag, count(*)::int as n from ledger where reason = any(${tags}) group by reason
    union all
    select special_instructions, count(*)::int from orders where special_instructions = any(${tags}) group by special_instructions`;
  const seen = new Map(rows.map((r) => [r.tag as string, r.n as number]));
  const wrong = all.filter((w) => seen.get(w.tag) !== (w.acked ? 1 : 0)).map((w) => `${w.tag}: ${seen.get(w.tag) ?? 0} rows, statuses ${w.statuses}`);
  expect(wrong).toEqual([]);
}

/** The outbox's event ids of a tenant after `after`, in order: what every open stream must have received. */
export async function outboxIds(sql: Sql, tenantId: string, after: number): Promise<number[]> {
  const rows = await sql`select id from events where tenant_id = ${tenantId} and id > ${after} order by id`;
  return rows.map((r) => Number(r.id));
}
