import { describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, eventsAfter, issueCard, lastEventId } from '../support/fixtures.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();
let phones = 0;
const phone = () => `+4473067${String(++phones).padStart(5, '0')}`;

async function mint(customerId: string, headers: Record<string, string> = {}) {
  const r = await t.a.post(`/api/v1/customers/${customerId}/wallet-link`, undefined, headers);
  expect(r.status).toBe(201);
  return r.body as { url: string; expiresAt: string; qrSvg: string };
}
const page = (url: string) => t.app.request(url);
const tokenOf = (url: string) => url.slice('/w/'.length);

describe('wallet links', () => {
  test('a new link is root-relative /w/<token>, expires in 30 days, comes with an SVG QR code, and only its hash is stored', async () => {
    const c = await enrol(t.a, phone(), 40);
    const before = await lastEventId(t.sql, t.tenantA.id);
    const link = await mint(c.id);
    expect(link.url).toMatch(/^\/w\/[A-Za-z0-9_-]{43}$/);
    expect(Math.abs(Date.parse(link.expiresAt) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    expect(link.qrSvg).toStartWith('<svg');
    const [row] = await t.sql`select token_hash, customer_id, revoked_at from wallet_links where customer_id = ${c.id}`;
    expect(Buffer.from(row.token_hash)).toEqual(createHash('sha256').update(tokenOf(link.url)).digest());
    // Nothing stored anywhere holds the token itself: not the link, not the event, not an idempotent response.
    const [{ found }] = await t.sql`select (select count(*) from events where data::text like ${'%' + tokenOf(link.url) + '%'})
      + (select count(*) from idempotency_keys where response_body::text like ${'%' + tokenOf(link.url) + '%'}) as found`;
    expect(Number(found)).toBe(0);
    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['wallet_link_created']);
    expect(events[0].data).toEqual({ customerId: c.id, linkId: expect.any(String), expiresAt: link.expiresAt });
    expect(eventCatalogue.wallet_link_created.safeParse(events[0].data).success).toBe(true);
  });

  test("the page shows the restaurant's name and the balance, with no name or phone of the customer", async () => {
    const c = await enrol(t.a, phone(), 75, 'Wanda Wallet');
    const res = await page((await mint(c.id)).url);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Alpha Diner');
    expect(html).toContain('data-balance="75"');
    expect(html).not.toContain('Wanda');
    expect(html).not.toContain(c.phone);
  });

  test('expired, revoked, tampered and made-up tokens all get the same 404, byte for byte', async () => {
    const c = await enrol(t.a, phone(), 10);
    const expired = await mint(c.id);
    await t.sql`update wallet_links set expires_at = now() - interval '1 second'
      where token_hash = ${createHash('sha256').update(tokenOf(expired.url)).digest()}`;
    const revoked = await mint(c.id);
    const other = await enrol(t.a, phone(), 10);
    const live = await mint(other.id);
    expect((await t.a.call('DELETE', `/api/v1/customers/${c.id}/wallet-link`)).body).toEqual({ revoked: 2 });
    const tok = tokenOf(live.url);
    const tampered = `/w/${tok.slice(0, -1)}${tok.endsWith('A') ? 'B' : 'A'}`;
    const answers = [];
    for (const url of [expired.url, revoked.url, tampered, '/w/not-a-token', `${expired.url}/stream`, `${revoked.url}/stream`, `${tampered}/stream`]) {
      const res = await page(url);
      answers.push({ status: res.status, type: res.headers.get('content-type'), body: await res.text() });
    }
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect((await page(live.url)).status).toBe(200);
  });

  test('revoking closes every link of that customer only, and says how many there were', async () => {
    const c = await enrol(t.a, phone(), 10);
    const other = await enrol(t.a, phone(), 10);
    const [a, b, o] = [await mint(c.id), await mint(c.id), await mint(other.id)];
    const r = await staff.api().call('DELETE', `/api/v1/customers/${c.id}/wallet-link`);
    expect(r).toMatchObject({ status: 200, body: { revoked: 2 } });
    expect([(await page(a.url)).status, (await page(b.url)).status, (await page(o.url)).status]).toEqual([404, 404, 200]);
    const [{ n }] = await t.sql`select count(*)::int as n from wallet_links where customer_id = ${c.id} and revoked_at is not null`;
    expect(n).toBe(2);
    // Revoking again revokes nothing and says so; each revocation is one event in the catalogue's shape.
    const before = await lastEventId(t.sql, t.tenantA.id);
    expect((await t.a.call('DELETE', `/api/v1/customers/${c.id}/wallet-link`)).body).toEqual({ revoked: 0 });
    const [e] = await eventsAfter(t.sql, t.tenantA.id, before);
    expect({ type: e.type, data: e.data }).toEqual({ type: 'wallet_links_revoked', data: { customerId: c.id, revoked: 0 } });
    expect(eventCatalogue.wallet_links_revoked.safeParse(e.data).success).toBe(true);
  });

  test("erasing the customer kills their links (the row says revoked), and an erased customer gets no new link", async () => {
    const c = await enrol(t.a, phone(), 10);
    const link = await mint(c.id);
    expect((await owner.post(`/api/v1/customers/${c.id}/erase`)).status).toBe(200);
    expect((await page(link.url)).status).toBe(404);
    const [row] = await t.sql`select revoked_at from wallet_links where customer_id = ${c.id}`;
    expect(row.revoked_at).not.toBeNull();
    const again = await t.a.post(`/api/v1/customers/${c.id}/wallet-link`);
    expect(again).toMatchObject({ status: 409, body: { code: 'customer_erased' } });
  });

  test("merging a customer away kills the duplicate's links and keeps the survivor's", async () => {
    const survivor = await enrol(t.a, phone(), 10);
    const dup = await enrol(t.a, phone(), 5);
    const [s, d] = [await mint(survivor.id), await mint(dup.id)];
    expect((await t.a.post(`/api/v1/customers/${survivor.id}/merge`, { duplicateId: dup.id })).status).toBe(200);
    expect([(await page(s.url)).status, (await page(d.url)).status]).toEqual([200, 404]);
  });

  test('a retried Idempotency-Key replaces the first token (one live link per key), and another customer cannot reuse it', async () => {
    const c = await enrol(t.a, phone(), 10);
    const first = await mint(c.id, { 'idempotency-key': 'wallet-retry-1' });
    const second = await mint(c.id, { 'idempotency-key': 'wallet-retry-1' });
    expect(second.url).not.toBe(first.url);
    expect([(await page(first.url)).status, (await page(second.url)).status]).toEqual([404, 200]);
    const [{ n }] = await t.sql`select count(*)::int as n from wallet_links where customer_id = ${c.id}`;
    expect(n).toBe(1);
    const other = await enrol(t.a, phone(), 10);
    const reused = await t.a.post(`/api/v1/customers/${other.id}/wallet-link`, undefined, { 'idempotency-key': 'wallet-retry-1' });
    expect(reused).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
  });

  test("another tenant's customer and an unknown one are 404, a malformed id 400, and none makes a link", async () => {
    const c = await enrol(t.a, phone(), 10);
    for (const [api, id, status] of [[t.b, c.id, 404], [t.a, '00000000-0000-4000-8000-000000000000', 404], [t.a, 'nope', 400]] as const) {
      expect((await api.post(`/api/v1/customers/${id}/wallet-link`)).status).toBe(status);
      expect((await api.call('DELETE', `/api/v1/customers/${id}/wallet-link`)).status).toBe(status);
    }
    const [{ n }] = await t.sql`select count(*)::int as n from wallet_links where customer_id = ${c.id}`;
    expect(n).toBe(0);
  });

  test('the page lists recent activity with where and when, and the gift cards the customer bought, masked', async () => {
    const c = await enrol(t.a, phone(), 30);
    const [loc] = await t.sql`insert into locations (tenant_id, name, code, time_zone) values (${t.tenantA.id}, 'Soho', 'SOHO', 'Europe/London') returning id`;
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/add`, { points: 7, locationId: loc.id })).status).toBe(200);
    const card = await issueCard(t.a, 2500, { customerId: c.id });
    const html = await (await page((await mint(c.id)).url)).text();
    expect(html).toContain('Soho · ');
    expect(html).toContain('+7');
    expect(html).toContain(`GC-****-****-****-${card.code.slice(-4)}`);
    expect(html).not.toContain(card.code);
  });
});

describe('the admin customer page', () => {
  test('offers "Wallet link": making one shows its QR code and a working URL, revoking kills it', async () => {
    const c = await enrol(t.a, phone(), 12);
    const pageHtml = await (await staff.get(`/customers/${c.id}`)).text();
    expect(pageHtml).toContain('Make a wallet link');
    const made = await staff.post(`/customers/${c.id}/wallet-link`, {});
    expect(made.status).toBe(200);
    const html = await made.text();
    expect(html).toContain('<svg');
    const url = html.match(/data-wallet-link="(\/w\/[A-Za-z0-9_-]{43})"/)![1];
    expect((await page(url)).status).toBe(200);
    const revoked = await staff.post(`/customers/${c.id}/wallet-link/revoke`, {});
    expect(await revoked.text()).toContain('Revoked 1 link');
    expect((await page(url)).status).toBe(404);
  });
});
