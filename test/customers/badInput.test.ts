import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';

const t = await testApp({ BODY_LIMIT_BYTES: 4096 });
const customer = (await t.a.post('/api/v1/customers', { phone: '+447306503001', name: 'Bea' })).body;
await t.a.post(`/api/v1/customers/${customer.id}/points/add`, { points: 50 });

async function state() {
  const [{ customers }] = await t.sql`select count(*)::int as customers from customers`;
  const [{ ledger }] = await t.sql`select count(*)::int as ledger from ledger`;
  const [{ events }] = await t.sql`select count(*)::int as events from events`;
  const [s] = await t.sql`select earn_points_per_unit::float8 as rate, point_value_cents, default_country from tenants where slug = 'alpha'`;
  return { customers, ledger, events, ...s };
}

const big = 'x'.repeat(5000);
const points = (p: string) => `/api/v1/customers/${customer.id}/points/${p}`;
type Case = [string, string, string, unknown, number?];
const CASES: Case[] = [
  // [label, method, path, body, expected status (default 400)]
  ['invalid JSON', 'POST', '/api/v1/customers', '{"phone": ', 400],
  ['a JSON array', 'POST', '/api/v1/customers', '[]'],
  ['no phone', 'POST', '/api/v1/customers', { name: 'x' }],
  ['phone of the wrong type', 'POST', '/api/v1/customers', { phone: 447306503002 }],
  ['an impossible phone', 'POST', '/api/v1/customers', { phone: '+44 12' }],
  ['letters for a phone', 'POST', '/api/v1/customers', { phone: 'call me maybe' }],
  ['a bad email', 'POST', '/api/v1/customers', { phone: '+447306503003', email: 'not-an-email' }],
  ['a balance set by the client', 'POST', '/api/v1/customers', { phone: '+447306503004', pointsBalance: 1000 }],
  ['a tenant set by the client', 'POST', '/api/v1/customers', { phone: '+447306503005', tenant: 'bravo' }],
  ['a 300-character name', 'POST', '/api/v1/customers', { phone: '+447306503006', name: 'n'.repeat(300) }],
  ['a body over the limit', 'POST', '/api/v1/customers', { phone: '+447306503007', name: big }, 413],
  ...(['add', 'redeem'] as const).flatMap((p): Case[] => [
    [`${p}: zero points`, 'POST', points(p), { points: 0 }],
    [`${p}: negative points`, 'POST', points(p), { points: -5 }],
    [`${p}: fractional points`, 'POST', points(p), { points: 1.5 }],
    [`${p}: absurd points`, 'POST', points(p), { points: 1e12 }],
    [`${p}: points as a string`, 'POST', points(p), { points: '10' }],
    [`${p}: points missing`, 'POST', points(p), {}],
    [`${p}: null body`, 'POST', points(p), 'null'],
    [`${p}: a balance set by the client`, 'POST', points(p), { points: 1, newBalance: 1 }],
    [`${p}: a non-uuid id`, 'POST', `/api/v1/customers/not-a-uuid/points/${p}`, { points: 1 }],
    [`${p}: an over-long reason`, 'POST', points(p), { points: 1, reason: 'r'.repeat(501) }],
  ]),
  ['adjust: without a reason', 'POST', points('adjust'), { points: -1 }],
  ['adjust: a blank reason', 'POST', points('adjust'), { points: -1, reason: '   ' }],
  ['adjust: zero', 'POST', points('adjust'), { points: 0, reason: 'x' }],
  ['adjust: absurd', 'POST', points('adjust'), { points: -1e9, reason: 'x' }],
  ['earn: a negative total', 'POST', '/api/v1/loyalty/earn', { phone: '+447306503008', orderTotalCents: -100 }],
  ['earn: a fractional total', 'POST', '/api/v1/loyalty/earn', { phone: '+447306503008', orderTotalCents: 10.5 }],
  ['earn: points chosen by the client', 'POST', '/api/v1/loyalty/earn', { phone: '+447306503008', orderTotalCents: 100, points: 999 }],
  ['earn: no phone', 'POST', '/api/v1/loyalty/earn', { orderTotalCents: 100 }],
  ['earn: a bad phone', 'POST', '/api/v1/loyalty/earn', { phone: '123', orderTotalCents: 100 }],
  ['settings: an empty patch', 'PATCH', '/api/v1/settings', {}],
  ['settings: an unknown country', 'PATCH', '/api/v1/settings', { defaultCountry: 'XX' }],
  ['settings: a zero point value', 'PATCH', '/api/v1/settings', { pointValueCents: 0 }],
  ['settings: a negative earn rate', 'PATCH', '/api/v1/settings', { earnPointsPerUnit: -1 }],
  ['settings: a lowercase currency', 'PATCH', '/api/v1/settings', { currency: 'gbp' }],
  ['settings: the slug', 'PATCH', '/api/v1/settings', { slug: 'other' }],
];

describe('bad input never changes anything and never 500s', () => {
  for (const [label, method, path, body, status = 400] of CASES) {
    test(`${method} ${path.replace(customer.id, '{id}')} with ${label} is ${status}`, async () => {
      const before = await state();
      const r = await t.a.call(method, path, body);
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.code).toBe(status === 413 ? 'payload_too_large' : 'validation_failed');
      expect(typeof r.body.detail).toBe('string');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await state()).toEqual(before);
    });
  }

  test('a body sent as a form instead of JSON is 415 unsupported_media_type', async () => {
    const before = await state();
    const r = await t.a.call('POST', points('add'), 'points=5', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('unsupported_media_type');
    expect(await state()).toEqual(before);
  });

  test('query parameters are validated too', async () => {
    for (const q of ['limit=0', 'limit=1000', 'limit=abc', 'cursor=garbage']) {
      const r = await t.a.get(`/api/v1/customers?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
  });

  test('an unknown route is a 404 problem', async () => {
    const r = await t.a.get('/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });
});
