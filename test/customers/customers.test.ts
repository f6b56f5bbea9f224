import { describe, expect, test } from 'bun:test';
import { normalizePhone } from '../../src/customers/phone.ts';
import { testApp } from '../support/app.ts';

const t = await testApp();

describe('phone numbers', () => {
  test('common spellings of one UK number normalise to the same E.164 string', () => {
    for (const s of ['+44 7306 506797', '+44 (7306) 506-797', '+447306506797', '07306 506797', '0044 7306 506797']) {
      expect(normalizePhone(s, 'GB')).toBe('+447306506797');
    }
  });

  test('a national number follows the tenant default country', () => {
    expect(normalizePhone('(415) 555-0123', 'US')).toBe('+14155550123');
  });

  test('enrolling the same person under another spelling is 409 customer_exists, and lookup finds them by any spelling', async () => {
    const r = await t.a.post('/api/v1/customers', { phone: '+44 7306 506797', name: 'John Doe', email: 'john@example.com' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ phone: '+447306506797', name: 'John Doe', email: 'john@example.com', pointsBalance: 0, totalPointsEarned: 0, totalPointsRedeemed: 0 });
    expect(r.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const dup = await t.a.post('/api/v1/customers', { phone: '+44 (7306) 506-797' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('customer_exists');
    expect(dup.body.customerId).toBe(r.body.id);
    for (const spelling of ['+447306506797', '07306 506797', '+44 (7306) 506-797']) {
      const found = await t.a.get(`/api/v1/customers/lookup?phone=${encodeURIComponent(spelling)}`);
      expect(found.status).toBe(200);
      expect(found.body.id).toBe(r.body.id);
    }
    expect((await t.a.get('/api/v1/customers/lookup?phone=%2B447306506798')).status).toBe(404);
  });
});

describe('customers', () => {
  test('list pages newest first with an opaque cursor and search by name, phone or email', async () => {
    for (let i = 0; i < 7; i++) {
      await t.a.post('/api/v1/customers', { phone: `+4473065040${i}0`, name: `Pager ${i}`, email: `pager${i}@example.com` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await t.a.get(`/api/v1/customers?q=pager&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      seen.push(...r.body.data.map((c: any) => c.name));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Pager 6', 'Pager 5', 'Pager 4', 'Pager 3', 'Pager 2', 'Pager 1', 'Pager 0']);
    expect((await t.a.get('/api/v1/customers?q=7306504030')).body.data.map((c: any) => c.name)).toEqual(['Pager 3']);
    expect((await t.a.get('/api/v1/customers?q=PAGER5@EXAMPLE')).body.data.map((c: any) => c.name)).toEqual(['Pager 5']);
    expect((await t.a.get('/api/v1/customers?q=%25')).body.data).toEqual([]);
  });

  test('add, redeem and adjust write signed ledger rows with before and after, newest first', async () => {
    const c = (await t.a.post('/api/v1/customers', { phone: '+447306505001', name: 'Led' })).body;
    const add = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 275, reason: 'Welcome', orderId: 'POS-1' });
    expect(add.body.transaction).toMatchObject({ type: 'add', points: 275, balanceBefore: 0, balanceAfter: 275, reason: 'Welcome', orderId: 'POS-1' });
    const red = await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 75, reason: 'Redeemed for order #12345' });
    expect(red.body.transaction).toMatchObject({ type: 'redeem', points: -75, balanceBefore: 275, balanceAfter: 200 });
    expect(red.body.customer).toMatchObject({ pointsBalance: 200, totalPointsEarned: 275, totalPointsRedeemed: 75 });
    const adj = await t.a.post(`/api/v1/customers/${c.id}/points/adjust`, { points: -20, reason: 'Till error' });
    expect(adj.body.transaction).toMatchObject({ type: 'adjust', points: -20, balanceAfter: 180 });
    const below = await t.a.post(`/api/v1/customers/${c.id}/points/adjust`, { points: -181, reason: 'Too far' });
    expect(below.status).toBe(409);
    expect(below.body.code).toBe('insufficient_points');
    const history = await t.a.get(`/api/v1/customers/${c.id}/transactions?limit=2`);
    expect(history.body.data.map((l: any) => l.type)).toEqual(['adjust', 'redeem']);
    const rest = await t.a.get(`/api/v1/customers/${c.id}/transactions?limit=2&cursor=${history.body.nextCursor}`);
    expect(rest.body.data.map((l: any) => l.type)).toEqual(['add']);
    expect(rest.body.nextCursor).toBeNull();
    const [{ actor }] = await t.sql`select actor from ledger where customer_id = ${c.id} limit 1`;
    expect(actor).toMatch(/^key:[0-9a-f-]{36}$/);
  });

  test('every points change appends one loyalty_updated event with the payload POS clients parse', async () => {
    const c = (await t.a.post('/api/v1/customers', { phone: '+447306505002', name: 'Eve' })).body;
    const r = await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 40, reason: 'Bonus', orderId: 'o-9' });
    const [ev] = await t.sql`select id, type, data from events where tenant_id = ${t.tenantA.id} order by id desc limit 1`;
    expect(ev.type).toBe('loyalty_updated');
    expect(ev.data).toEqual({
      customerId: c.id, customerPhone: '+447306505002', customerName: 'Eve', pointsChange: 40, newBalance: 40,
      totalPointsEarned: 40, totalPointsRedeemed: 0, transactionType: 'add', reason: 'Bonus', orderId: 'o-9',
      transactionId: r.body.transaction.id,
    });
    const [created] = await t.sql`select type from events where tenant_id = ${t.tenantA.id} and id = ${ev.id - 1}`;
    expect(created.type).toBe('customer_created');
  });
});

describe('earn', () => {
  test("points are computed server-side from the tenant's rule, and unknown phones are enrolled", async () => {
    expect((await t.a.patch('/api/v1/settings', { earnPointsPerUnit: 2, earnMinOrderCents: 1000 })).status).toBe(200);
    const small = await t.a.post('/api/v1/loyalty/earn', { phone: '07306 506001', orderTotalCents: 999, name: 'New' });
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ pointsEarned: 0, enrolled: true, transaction: null });
    const big = await t.a.post('/api/v1/loyalty/earn', { phone: '+447306506001', orderTotalCents: 4599, orderId: 'ORD-7' });
    expect(big.body).toMatchObject({ pointsEarned: 91, enrolled: false });
    expect(big.body.transaction).toMatchObject({ type: 'earn', points: 91, orderId: 'ORD-7' });
    expect(big.body.customer).toMatchObject({ id: small.body.customer.id, pointsBalance: 91, totalPointsEarned: 91, name: 'New' });
  });
});

describe('documents', () => {
  test('/openapi.json is OpenAPI 3.1 with every v1 loyalty path and bearer security', async () => {
    const r = await t.anon.get('/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    for (const p of ['/api/v1/customers', '/api/v1/customers/lookup', '/api/v1/customers/{id}', '/api/v1/customers/{id}/transactions',
      '/api/v1/customers/{id}/points/add', '/api/v1/customers/{id}/points/redeem', '/api/v1/customers/{id}/points/adjust',
      '/api/v1/loyalty/earn', '/api/v1/settings']) {
      expect(Object.keys(r.body.paths)).toContain(p);
    }
    expect(r.body.components.securitySchemes.bearer.scheme).toBe('bearer');
    expect(r.body.paths['/api/v1/customers/{id}/points/redeem'].post.responses['409']).toBeDefined();
  });

  test('every customer and loyalty route documents each status it can return', async () => {
    const paths = (await t.anon.get('/openapi.json')).body.paths;
    const statuses = (path: string, method: string) => Object.keys(paths[path][method].responses).sort();
    const post = ['400', '401', '403', '409', '413', '415', '422'];
    expect(statuses('/api/v1/customers', 'post')).toEqual(['201', ...post].sort());
    for (const action of ['add', 'redeem', 'adjust']) {
      expect(statuses(`/api/v1/customers/{id}/points/${action}`, 'post')).toEqual(['200', ...post, '404'].sort());
    }
    expect(statuses('/api/v1/loyalty/earn', 'post')).toEqual(['200', ...post].sort());
    expect(statuses('/api/v1/customers', 'get')).toEqual(['200', '400', '401', '403']);
    for (const path of ['/api/v1/customers/lookup', '/api/v1/customers/{id}', '/api/v1/customers/{id}/transactions']) {
      expect(statuses(path, 'get')).toEqual(['200', '400', '401', '403', '404']);
    }
  });

  test('/docs serves the interactive UI from the installed package', async () => {
    const page = await t.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    const js = await t.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
  });

  test('/healthz and /readyz answer', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks.database).toBe(true);
  });
});
