import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { client, testApp } from '../support/app.ts';
import { burger } from '../support/fixtures.ts';

// Dates a person leaves out mean what they would say: "today" in the report's zone (the site's own,
// else the group's), and a range of the 14 days up to it.

const t = await testApp();

const today = async (tz: string) =>
  (await t.sql`select to_char(now() at time zone ${tz}, 'YYYY-MM-DD') as d`)[0]!.d as string;
const daysBefore = async (tz: string, n: number) =>
  (await t.sql`select to_char((now() at time zone ${tz})::date - ${n}::int, 'YYYY-MM-DD') as d`)[0]!.d as string;

describe('date defaults', () => {
  test('GET /reports/daily with no date is today, and counts what happened today', async () => {
    const placed = await t.b.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] });
    expect(placed.status).toBe(201);
    const r = await t.b.get('/api/v1/reports/daily');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(await today('UTC'));
    expect(r.body.orders).toBe(1);
    expect(r.body).toEqual((await t.b.get(`/api/v1/reports/daily?date=${r.body.date}`)).body);
  });

  test("a till bound to a site on the far side of the date line gets its own site's today, not UTC's", async () => {
    // UTC+14 and UTC−11 are a whole day apart at every instant: one of them is never UTC's date.
    const east = await t.a.post('/api/v1/locations', { name: 'Kiritimati', code: 'KIR', timeZone: 'Pacific/Kiritimati' });
    expect(east.status).toBe(201);
    const key = await createApiKey(t.sql, t.tenantA.id, 'kir till');
    await t.sql`update api_keys set location_id = ${east.body.id} where id = ${key.id}`;
    const till = client(t.app, key.apiKey);
    const r = await till.get('/api/v1/reports/daily');
    expect(r.status).toBe(200);
    expect(r.body.date).toBe(await today('Pacific/Kiritimati'));
    expect(r.body.tz).toBe('Pacific/Kiritimati');
    const asked = await t.a.get('/api/v1/reports/daily?tz=Pacific/Pago_Pago');
    expect(asked.body.date).toBe(await today('Pacific/Pago_Pago'));
    expect(asked.body.date).not.toBe(r.body.date);
  });

  test('GET /reports/daily/range with no dates is the 14 days up to today; with only `to`, the 14 days up to it', async () => {
    const r = await t.b.get('/api/v1/reports/daily/range');
    expect(r.status).toBe(200);
    expect([r.body.from, r.body.to]).toEqual([await daysBefore('UTC', 13), await today('UTC')]);
    expect(r.body.days).toHaveLength(14);
    expect(r.body.days.at(-1).orders).toBeGreaterThanOrEqual(1);
    const upTo = await t.b.get('/api/v1/reports/daily/range?to=2026-03-14');
    expect([upTo.body.from, upTo.body.to, upTo.body.days.length]).toEqual(['2026-03-01', '2026-03-14', 14]);
    const from = await t.b.get(`/api/v1/reports/daily/range?from=${await daysBefore('UTC', 2)}`);
    expect([from.body.from, from.body.to, from.body.days.length]).toEqual([await daysBefore('UTC', 2), await today('UTC'), 3]);
  });

  test('a `from` after today with no `to` is still refused as to before from', async () => {
    const r = await t.b.get('/api/v1/reports/daily/range?from=9999-01-01');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
  });

  test('GET /ledger with no dates is the CSV of the 14 days up to today', async () => {
    const r = await t.b.get('/api/v1/ledger');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain(`${await daysBefore('UTC', 13)}-to-${await today('UTC')}.csv`);
  });
});
