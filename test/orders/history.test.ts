import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { client, testApp } from '../support/app.ts';
import { burger, enrol, footprint, fries } from '../support/fixtures.ts';

// GET /api/v1/orders with q, from and to: the order history's search, for both doors (the admin History
// view reads the same listOrders).

const t = await testApp();

const place = async (api = t.a, extra: Record<string, unknown> = {}) => {
  const r = await api.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], ...extra });
  expect(r.status).toBe(201);
  return r.body as { id: string; orderNumber: string };
};
const at = (id: string, instant: string) => t.sql`update orders set created_at = ${instant} where id = ${id}`;
const numbers = async (api: typeof t.a, query: string) => {
  const r = await api.get(`/api/v1/orders?${query}`);
  expect(r.status).toBe(200);
  return (r.body.data as { orderNumber: string }[]).map((o) => o.orderNumber);
};

await enrol(t.a, '+447306506797', 0, 'Zoë Ådams');
await enrol(t.a, '+447306590002', 0, 'Sam Smith');
const zoe = await place(t.a, { customer: { phone: '07306 506797' } }); // ORD-1001
const sam = await place(t.a, { customer: { phone: '+447306590002' }, items: [fries] }); // ORD-1002
const walkIn = await place(); // ORD-1003
// 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
await at(zoe.id, '2026-06-30T23:30:00Z');
await at(sam.id, '2026-07-01T12:00:00Z');
await at(walkIn.id, '2026-07-01T23:30:00Z'); // 00:30 on 2 July in London

describe('searching the order history (q)', () => {
  test('the order number matches in any case, with or without its prefix', async () => {
    expect(await numbers(t.a, 'q=ORD-1002')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=ord-1002')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=1002')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=ORD-10')).toEqual(['ORD-1003', 'ORD-1002', 'ORD-1001']);
  });

  test("the customer's name matches without regard to accents or case, every word somewhere in it", async () => {
    for (const q of ['zoe', 'ZOË', 'adams', 'Zoe Adams', 'ådams zo']) expect(await numbers(t.a, `q=${encodeURIComponent(q)}`)).toEqual(['ORD-1001']);
    expect(await numbers(t.a, 'q=smith')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=zoe%20smith')).toEqual([]);
    // LIKE's own characters are plain text.
    expect(await numbers(t.a, 'q=%25')).toEqual([]);
    expect(await numbers(t.a, 'q=_')).toEqual([]);
  });

  test('the phone matches in any spelling: national, international, 00, or a run of digits anywhere', async () => {
    for (const q of ['07306 506797', '07306506797', '+44 7306 506797', '00447306506797', '506797', '(07306) 506-797']) {
      expect(await numbers(t.a, `q=${encodeURIComponent(q)}`)).toEqual(['ORD-1001']);
    }
    expect(await numbers(t.a, 'q=07306%20590002')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=07999%20000000')).toEqual([]);
  });

  test('q combines with status, and a blank q is no filter', async () => {
    await t.a.post(`/api/v1/orders/${sam.id}/status`, { status: 'preparing' });
    expect(await numbers(t.a, 'q=smith&status=preparing')).toEqual(['ORD-1002']);
    expect(await numbers(t.a, 'q=smith&status=pending')).toEqual([]);
    expect(await numbers(t.a, 'q=%20%20')).toEqual(['ORD-1003', 'ORD-1002', 'ORD-1001']);
    const long = await t.a.get(`/api/v1/orders?q=${'x'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('validation_failed');
  });
});

describe('the date range (from, to)', () => {
  test('days are whole UTC days for a tenant without locations, both ends inclusive', async () => {
    expect(await numbers(t.a, 'from=2026-07-01&to=2026-07-01')).toEqual(['ORD-1003', 'ORD-1002']);
    expect(await numbers(t.a, 'from=2026-06-30&to=2026-06-30')).toEqual(['ORD-1001']);
    expect(await numbers(t.a, 'from=2026-07-01')).toEqual(['ORD-1003', 'ORD-1002']);
    expect(await numbers(t.a, 'to=2026-06-30')).toEqual(['ORD-1001']);
  });

  test('instants are moments, both inclusive, and may be mixed with days and given any offset', async () => {
    expect(await numbers(t.a, 'from=2026-06-30T23:30:00Z&to=2026-06-30T23:30:00Z')).toEqual(['ORD-1001']);
    expect(await numbers(t.a, `from=${encodeURIComponent('2026-07-01T14:00:00+02:00')}&to=2026-07-01`)).toEqual(['ORD-1003', 'ORD-1002']);
    expect(await numbers(t.a, 'from=2026-06-30&to=2026-07-01T11:59:59.999Z')).toEqual(['ORD-1001']);
    expect(await numbers(t.a, 'from=2026-07-01&to=2026-07-01&q=smith')).toEqual(['ORD-1002']);
  });

  test('the edges of the calendar are answered, not a 500', async () => {
    expect(await numbers(t.a, 'from=1900-01-01&to=9999-12-31')).toEqual(['ORD-1003', 'ORD-1002', 'ORD-1001']);
    expect(await numbers(t.a, 'to=9999-12-31T23:59:59Z')).toHaveLength(3);
  });

  test('a range that ends before it starts, or an end that is neither a day nor an instant, is 400 and changes nothing', async () => {
    const before = await footprint(t.sql);
    const bad = [
      'from=2026-07-02&to=2026-07-01', 'from=2026-07-01T12:00:00Z&to=2026-07-01T11:59:59Z', 'from=2026-07-02&to=2026-07-01T23:00:00Z',
      'from=2026-13-01', 'to=2026-02-30', 'from=yesterday', 'from=2026-07-01T10:00:00', 'to=0000-01-01', 'from=2026-07-01T10:00:00%2B15:00',
      'from=10000-01-01', 'to=',
    ];
    for (const query of bad) {
      const r = await t.a.get(`/api/v1/orders?${query}`);
      expect({ query, status: r.status, code: r.body.code }).toEqual({ query, status: 400, code: 'validation_failed' });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const backwards = await t.a.get('/api/v1/orders?from=2026-07-02&to=2026-07-01');
    expect(backwards.body.errors).toEqual([{ path: 'to', message: 'to must not be before from' }]);
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('a search over a range pages by keyset until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await t.a.get(`/api/v1/orders?q=ORD&from=2026-06-30&to=2026-07-01&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((o: any) => o.orderNumber));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ORD-1003', 'ORD-1002', 'ORD-1001']);
  });
});

describe('whose orders a search sees', () => {
  test("another tenant's search finds none of this tenant's orders, by number, name or phone", async () => {
    for (const q of ['ORD-1001', 'zoe', '07306 506797']) expect(await numbers(t.b, `q=${encodeURIComponent(q)}`)).toEqual([]);
    const own = await place(t.b);
    expect(await numbers(t.b, 'q=ORD-1001')).toEqual([own.orderNumber]);
  });

  test("days are the location's own: a till bound to a site finds only its site's orders, in its zone", async () => {
    const made = await t.a.post('/api/v1/locations', { name: 'Soho', code: 'SOHO', timeZone: 'Europe/London' });
    const soho = made.body.id as string;
    const key = await createApiKey(t.sql, t.tenantA.id, 'Soho till');
    await t.sql`update api_keys set location_id = ${soho} where id = ${key.id}`;
    const till = client(t.app, key.apiKey);
    const mine = await place(till, { customer: { phone: '07306 506797' } });
    await at(mine.id, '2026-06-30T23:15:00Z'); // 00:15 on 1 July in London
    expect(await numbers(till, 'q=zoe')).toEqual([mine.orderNumber]);
    expect(await numbers(till, 'from=2026-07-01&to=2026-07-01')).toEqual([mine.orderNumber]);
    expect(await numbers(till, 'from=2026-06-30&to=2026-06-30')).toEqual([]);
    // The group's days are the tenant's zone (settings `timezone`): in London, ORD-1001 at 23:30 UTC is 1 July there.
    expect((await t.a.patch('/api/v1/settings', { timezone: 'Europe/London' })).status).toBe(200);
    expect(await numbers(t.a, 'q=zoe&from=2026-07-01&to=2026-07-01')).toEqual([mine.orderNumber, 'ORD-1001']);
  });
});
