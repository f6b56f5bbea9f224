import { describe, expect, test } from 'bun:test';
import { pointsInvariants, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

// One core behind both doors: the JSON API and the admin pages validate with the same schemas, refuse
// with the same words and read the same customers.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const ann = (await t.a.post('/api/v1/customers', { phone: '+447306507001', name: 'Ann Both', email: 'ann@doors.test' })).body;
await t.a.post(`/api/v1/customers/${ann.id}/points/add`, { points: 40 });

const unescape = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** The inline errors a form fragment shows, as plain text. */
const inlineErrors = (html: string) => [...html.matchAll(/<p[^>]*class="field-error"[^>]*>([^<]*)<\/p>/g)].map((m) => unescape(m[1]));

async function writes() {
  const [{ customers }] = await t.sql`select count(*)::int as customers from customers`;
  const [{ ledger }] = await t.sql`select count(*)::int as ledger from ledger`;
  const [{ events }] = await t.sql`select count(*)::int as events from events`;
  return { customers, ledger, events };
}

describe('both doors refuse the same bad input in the same words', () => {
  const pointsCases: [string, string, Record<string, unknown>, Record<string, string>][] = [
    ['zero points to add', 'add', { points: 0 }, { points: '0' }],
    ['negative points to redeem', 'redeem', { points: -5 }, { points: '-5' }],
    ['more than 1,000,000 points', 'add', { points: 1_000_001 }, { points: '1000001' }],
    ['an adjustment without a reason', 'adjust', { points: -5 }, { points: '-5' }],
    ['an adjustment of zero', 'adjust', { points: 0, reason: 'x' }, { points: '0', reason: 'x' }],
  ];
  for (const [label, action, json, form] of pointsCases) {
    test(`${label}: the API's 400 message is the admin form's inline error, and nothing is written`, async () => {
      const before = await writes();
      const api = await t.a.post(`/api/v1/customers/${ann.id}/points/${action}`, json);
      expect(api.status).toBe(400);
      expect(api.body.code).toBe('validation_failed');
      const message = api.body.errors[0].message as string;
      const page = await owner.post(`/customers/${ann.id}/points/${action}`, form);
      expect(page.status).toBe(422);
      expect(inlineErrors(await page.text())).toContain(message);
      expect(await writes()).toEqual(before);
    });
  }

  test('an impossible phone: enrol through the API and through the admin form give the same sentence', async () => {
    const before = await writes();
    const api = await t.a.post('/api/v1/customers', { phone: '+44 12' });
    expect(api.status).toBe(400);
    const page = await owner.post('/customers', { phone: '+44 12' });
    expect(page.status).toBe(422);
    expect(inlineErrors(await page.text())).toContain(api.body.detail);
    expect(api.body.detail).toBe('"+44 12" is not a valid phone number.');
    expect(await writes()).toEqual(before);
  });

  test('a bad email is refused by the one schema on both doors', async () => {
    const api = await t.a.post('/api/v1/customers', { phone: '+447306507002', email: 'not-an-email' });
    expect(api.status).toBe(400);
    const page = await owner.post('/customers', { phone: '+447306507002', email: 'not-an-email' });
    expect(page.status).toBe(422);
    expect(inlineErrors(await page.text())).toContain(api.body.errors[0].message);
    expect((await t.sql`select 1 from customers where phone = '+447306507002'`).length).toBe(0);
  });

  test('the POS lookup and GET /api/v1/customers/lookup refuse letters for a phone alike', async () => {
    const api = await t.a.get('/api/v1/customers/lookup?phone=abc');
    expect(api.status).toBe(400);
    const pos = await (await owner.get('/pos/lookup?phone=abc')).text();
    expect(inlineErrors(pos)).toContain(api.body.detail);
  });

  test('redeeming past the balance is the same refusal (insufficient_points) on both doors', async () => {
    const api = await t.a.post(`/api/v1/customers/${ann.id}/points/redeem`, { points: 41 });
    expect(api.status).toBe(409);
    expect(api.body).toMatchObject({ code: 'insufficient_points', available: 40, requested: 41 });
    const page = await owner.post(`/customers/${ann.id}/points/redeem`, { points: '41' });
    expect(page.status).toBe(409);
    expect(inlineErrors(await page.text())).toContain('Not enough points: 40 available, 41 requested.');
    expect(await pointsInvariants(t.sql)).toEqual({ discrepancies: 0, negative: 0, broken: 0 });
  });
});

describe('both doors search the same customers', () => {
  test('for the same query, the API and the admin results list the same customers in the same order', async () => {
    for (let i = 0; i < 6; i++) {
      await t.a.post('/api/v1/customers', { phone: `+4473065071${i}0`, name: `Searcher ${i}`, email: `s${i}@doors.test` });
    }
    for (const q of ['searcher', 'SEARCHER 3', '7306507120', 'doors.test', 'ann', '%', '']) {
      const api = await t.a.get(`/api/v1/customers?limit=50&q=${encodeURIComponent(q)}`);
      expect(api.status).toBe(200);
      const html = await (await owner.get(`/customers/results?q=${encodeURIComponent(q)}`, { 'hx-request': 'true' })).text();
      const onPage = [...html.matchAll(/<tr id="cust-([^"]+)"/g)].map((m) => m[1]);
      expect(onPage).toEqual(api.body.data.map((c: { id: string }) => c.id));
    }
    const both = await t.a.get('/api/v1/customers?q=doors.test');
    expect(both.body.data.length).toBe(7);
  });
});
