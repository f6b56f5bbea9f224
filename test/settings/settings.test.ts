import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const settingsRow = async () => (await t.sql`select name, currency, default_country, earn_points_per_unit::float8 as earn,
  earn_min_order_cents, point_value_cents from tenants where id = ${t.tenantA.id}`)[0];

describe('settings', () => {
  test('round-trip through the API, and the default country decides how national numbers are read', async () => {
    const r = await t.a.patch('/api/v1/settings', { defaultCountry: 'US', pointValueCents: 5, currency: 'USD' });
    expect(r.body).toMatchObject({ slug: 'alpha', defaultCountry: 'US', pointValueCents: 5, currency: 'USD' });
    const got = await t.a.get('/api/v1/settings');
    expect(got.body).toEqual(r.body);
    const us = await t.a.post('/api/v1/customers', { phone: '(415) 555-0123' });
    expect(us.body.phone).toBe('+14155550123');
  });

  test('a staff session cannot change settings through the API either: 403 forbidden and nothing changes', async () => {
    const before = await settingsRow();
    const r = await staff.api().patch('/api/v1/settings', { pointValueCents: 100_000 });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'forbidden', detail: 'Only an owner can change settings.' });
    expect(await settingsRow()).toEqual(before);
    // Reading them is allowed: the counter's pages need the currency.
    expect((await staff.api().get('/api/v1/settings')).status).toBe(200);
  });

  test("an owner's session may change them through the API with its CSRF token", async () => {
    const r = await owner.api().patch('/api/v1/settings', { earnPointsPerUnit: 2 });
    expect(r.status).toBe(200);
    expect((await settingsRow()).earn).toBe(2);
  });

  test('both doors refuse the same bad values with the same words', async () => {
    const before = await settingsRow();
    const cases: [Record<string, unknown>, Record<string, string>, string][] = [
      [{ pointValueCents: 0 }, { pointValueCents: '0' }, 'pointValueCents'],
      [{ earnPointsPerUnit: 1001 }, { earnPointsPerUnit: '1001' }, 'earnPointsPerUnit'],
      [{ defaultCountry: 'XX' }, { defaultCountry: 'xx' }, 'defaultCountry'],
      [{ currency: 'EURO' }, { currency: 'euro' }, 'currency'],
      [{ currency: 'XYZ' }, { currency: 'XYZ' }, 'currency'],
    ];
    for (const [json, form, field] of cases) {
      const api = await t.a.patch('/api/v1/settings', json);
      expect(api.status).toBe(400);
      const message = api.body.errors.find((e: { path: string }) => e.path === field).message as string;
      const page = await owner.post('/settings', form);
      expect(page.status).toBe(422);
      expect(await page.text()).toContain(message);
    }
    expect(await settingsRow()).toEqual(before);
  });

  test('a made-up currency (XYZ) is refused by both doors and not saved; a real ISO 4217 code is', async () => {
    const before = await settingsRow();
    const api = await t.a.patch('/api/v1/settings', { currency: 'XYZ' });
    expect(api.status).toBe(400);
    expect(api.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'currency', message: 'Use a three-letter ISO 4217 code such as GBP.' }] });
    const page = await owner.post('/settings', { currency: 'XYZ' });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('Use a three-letter ISO 4217 code such as GBP.');
    expect(await settingsRow()).toEqual(before);
    const jpy = await t.a.patch('/api/v1/settings', { currency: 'JPY' });
    expect(jpy.status).toBe(200);
    expect((await settingsRow()).currency).toBe('JPY');
  });
});
