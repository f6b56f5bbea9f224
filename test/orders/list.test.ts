import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { burger } from '../support/fixtures.ts';

const t = await testApp();

const placed: any[] = [];
for (let i = 0; i < 5; i++) {
  const r = await t.a.post('/api/v1/orders', { source: i % 2 ? 'online' : 'pos', orderType: 'collection', items: [burger] });
  placed.push(r.body);
}
await t.a.post(`/api/v1/orders/${placed[1].id}/status`, { status: 'preparing' });
await t.a.post(`/api/v1/orders/${placed[3].id}/status`, { status: 'preparing' });
// The first two were placed "yesterday".
await t.sql`update orders set created_at = created_at - interval '1 day' where id = any(${[placed[0].id, placed[1].id]}::uuid[])`;

describe('listing orders', () => {
  test('orders are listed newest first and paged with an opaque cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await t.a.get(`/api/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.data.map((o: any) => o.orderNumber));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['ORD-1005', 'ORD-1004', 'ORD-1003', 'ORD-1002', 'ORD-1001']);
  });

  test('the status filter returns only orders in that status', async () => {
    const r = await t.a.get('/api/v1/orders?status=preparing');
    expect(r.body.data.map((o: any) => o.orderNumber)).toEqual(['ORD-1004', 'ORD-1002']);
    expect(r.body.data.every((o: any) => o.status === 'preparing')).toBe(true);
  });

  test('the since filter returns orders created at or after the instant, combined with status', async () => {
    const [{ since }] = await t.sql`select (now() - interval '1 hour')::text as since`;
    const iso = new Date(since).toISOString();
    expect((await t.a.get(`/api/v1/orders?since=${iso}`)).body.data.map((o: any) => o.orderNumber)).toEqual(['ORD-1005', 'ORD-1004', 'ORD-1003']);
    expect((await t.a.get(`/api/v1/orders?since=${iso}&status=preparing`)).body.data.map((o: any) => o.orderNumber)).toEqual(['ORD-1004']);
  });

  test('one order is fetched by id with the same shape as the list', async () => {
    const r = await t.a.get(`/api/v1/orders/${placed[2].id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(placed[2]);
    const missing = await t.a.get(`/api/v1/orders/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found', detail: 'Order not found.' });
  });
});

describe('the published contract', () => {
  test('the OpenAPI document lists every order, gift card, report and reconciliation path with its refusals', async () => {
    const doc = (await t.anon.get('/openapi.json')).body;
    const paths = doc.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining([
      '/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/orders/{id}/status', '/api/v1/orders/{id}/history',
      '/api/v1/gift-cards', '/api/v1/gift-cards/{code}', '/api/v1/gift-cards/{code}/redeem', '/api/v1/gift-cards/{code}/void',
      '/api/v1/gift-cards/{code}/activity', '/api/v1/reports/daily', '/api/v1/reports/daily/range',
      '/api/v1/reconciliation', '/api/v1/reconciliation/{id}/resolve',
    ]));
    expect(Object.keys(paths['/api/v1/orders'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409', '422', '429']));
    expect(Object.keys(paths['/api/v1/orders/{id}/status'].post.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(Object.keys(paths['/api/v1/gift-cards/{code}/redeem'].post.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '429']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Order', 'OrderRequest', 'GiftCard', 'GiftCardRequest', 'DailyReport', 'ReconciliationItem']));
    expect(Object.keys(doc.components.schemas.Order.properties)).toEqual([
      'id', 'orderNumber', 'source', 'orderType', 'status', 'customerId', 'customerName', 'customerPhone', 'items',
      'subtotalCents', 'pointsDiscountCents', 'giftCardCents', 'totalCents', 'pointsRedeemed', 'pointsEarned',
      'specialInstructions', 'locationId', 'createdAt', 'updatedAt',
    ]);
  });
});
