import { describe, expect, test } from 'bun:test';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { codeTail } from '../../src/giftCards/list.ts';
import { encodeCursor } from '../../src/platform/pagination.ts';
import { client, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { footprint, issueCard } from '../support/fixtures.ts';

// GET /api/v1/gift-cards and the admin list (issue 13.5): codes masked, search by purchaser, recipient or
// the masked code's visible tail (never more of the code), status filters, keyset pages, one tenant.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

const masked = (code: string) => `GC-****-****-****-${code.slice(-4)}`;

// Tenant A's book: one card of each status, and a recipient with an accent.
const robin = await issueCard(t.a, 2500, { purchasedBy: 'Robin Hood', recipientName: 'Marian Fitzwalter' });
const zoe = await issueCard(t.a, 1000, { purchasedBy: 'Zoë Quill' });
const spent = await issueCard(t.a, 700, { purchasedBy: 'Sam Spender' });
expect((await t.a.post(`/api/v1/gift-cards/${spent.code}/redeem`, { amountCents: 700 })).status).toBe(200);
const voided = await issueCard(t.a, 900, { purchasedBy: 'Val Voider' });
expect((await t.a.post(`/api/v1/gift-cards/${voided.code}/void`, {})).status).toBe(200);
const expired = await issueCard(t.a, 1200, { purchasedBy: 'Eve Expired', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
// Expiry is derived from expires_at at read time: move it into the past as time would.
await t.sql`update gift_cards set expires_at = now() - interval '1 day' where id = ${expired.id}`;
// Tenant B has a card bought by a Robin too.
const other = await issueCard(t.b, 3000, { purchasedBy: 'Robin Other' });

const ids = (body: { data: { id: string }[] }) => body.data.map((g) => g.id);

describe('GET /api/v1/gift-cards', () => {
  test('lists the tenant’s cards newest first with every code masked and no full code anywhere in the answer', async () => {
    const r = await t.a.get('/api/v1/gift-cards');
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual([expired.id, voided.id, spent.id, zoe.id, robin.id]);
    expect(r.body.data[4]).toMatchObject({ maskedCode: masked(robin.code), status: 'active', initialCents: 2500, balanceCents: 2500,
      purchasedBy: 'Robin Hood', recipientName: 'Marian Fitzwalter', expiresAt: null });
    const text = JSON.stringify(r.body);
    for (const card of [robin, zoe, spent, voided, expired]) expect(text).not.toContain(card.code);
    expect(r.body.nextCursor).toBeNull();
  });

  test('filters by status: active has a balance, spent is live at zero, expired and void as the card says', async () => {
    const by = async (status: string) => ids((await t.a.get(`/api/v1/gift-cards?status=${status}`)).body);
    expect(await by('active')).toEqual([zoe.id, robin.id]);
    expect(await by('spent')).toEqual([spent.id]);
    expect(await by('expired')).toEqual([expired.id]);
    expect(await by('void')).toEqual([voided.id]);
    const r = await t.a.get('/api/v1/gift-cards?status=expired');
    expect(r.body.data[0]).toMatchObject({ status: 'expired', balanceCents: 1200 });
  });

  test('q matches the purchaser or recipient in any case, accents ignored, every word, combined with status', async () => {
    const q = async (text: string, status = '') =>
      ids((await t.a.get(`/api/v1/gift-cards?${new URLSearchParams({ q: text, ...(status ? { status } : {}) })}`)).body);
    expect(await q('robin')).toEqual([robin.id]);
    expect(await q('marian')).toEqual([robin.id]);
    expect(await q('zoe quill')).toEqual([zoe.id]);
    expect(await q('ZOË')).toEqual([zoe.id]);
    expect(await q('robin', 'void')).toEqual([]);
    expect(await q('%')).toEqual([]);
    expect(await q('nobody at all')).toEqual([]);
  });

  test('q matches the masked code’s visible tail, typed bare or masked, but never the hidden part of a code', async () => {
    const tail = robin.code.slice(-4);
    const found = async (text: string) => ids((await t.a.get(`/api/v1/gift-cards?${new URLSearchParams({ q: text })}`)).body);
    expect(await found(tail)).toContain(robin.id);
    expect(await found(tail.toLowerCase())).toContain(robin.id);
    expect(await found(masked(robin.code))).toContain(robin.id);
    // The whole code, or its hidden groups, find nothing: the list is no way round the look-up's throttle.
    expect(await found(robin.code)).toEqual([]);
    expect(await found(robin.code.slice(3, 7))).not.toContain(robin.id);
    expect(codeTail('GC-****-****-****-w4bn')).toBe('W4BN');
    expect(codeTail('GC-7K3M-Q9XD-2HRT-W4BN')).toBeNull();
    expect(codeTail('lo')).toBe('10');
  });

  test('pages by keyset: every card exactly once across pages, and a cursor it did not issue is a 400', async () => {
    const first = await t.a.get('/api/v1/gift-cards?limit=2');
    expect(ids(first.body)).toEqual([expired.id, voided.id]);
    const second = await t.a.get(`/api/v1/gift-cards?limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second.body)).toEqual([spent.id, zoe.id]);
    const third = await t.a.get(`/api/v1/gift-cards?limit=2&cursor=${second.body.nextCursor}`);
    expect(ids(third.body)).toEqual([robin.id]);
    expect(third.body.nextCursor).toBeNull();
    const before = await footprint(t.sql);
    for (const bad of ['cursor=nonsense', 'limit=0', 'limit=201', 'status=live', `q=${'x'.repeat(101)}`]) {
      const r = await t.a.get(`/api/v1/gift-cards?${bad}`);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await footprint(t.sql)).toEqual(before);
  });

  test('another tenant sees only its own cards, whatever it searches for', async () => {
    expect(ids((await t.b.get('/api/v1/gift-cards')).body)).toEqual([other.id]);
    expect(ids((await t.b.get('/api/v1/gift-cards?q=robin')).body)).toEqual([other.id]);
    expect(ids((await t.b.get(`/api/v1/gift-cards?q=${robin.code.slice(-4)}`)).body)).not.toContain(robin.id);
    expect(ids((await t.a.get('/api/v1/gift-cards?q=other')).body)).toEqual([]);
    expect((await t.anon.get('/api/v1/gift-cards')).status).toBe(401);
  });

  test('a key bound to one site lists the group’s cards, as it may spend any of them (cards are group-wide)', async () => {
    const [site] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
      values (${t.tenantA.id}, 'Harbour', 'HBR', 'Europe/London') returning id`;
    const till = client(t.app, (await createApiKey(t.sql, t.tenantA.id, 'Harbour till', site!.id)).apiKey);
    const r = await till.get('/api/v1/gift-cards');
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual([expired.id, voided.id, spent.id, zoe.id, robin.id]);
  });
});

describe('the admin list', () => {
  test('shows the same cards as the API through a session, masked, with search and status filter', async () => {
    const api = await owner.api().get('/api/v1/gift-cards?q=robin');
    expect(ids(api.body)).toEqual([robin.id]);
    const page = await (await owner.get('/gift-cards/list')).text();
    for (const card of [robin, zoe, spent, voided, expired]) {
      expect(page).toContain(masked(card.code));
      expect(page).not.toContain(card.code);
    }
    expect(page).toContain('id="gc-liability"');
    const results = await (await owner.get('/gift-cards/list/results?q=robin&status=active', { 'hx-request': 'true' })).text();
    expect(results).toContain(masked(robin.code));
    expect(results).not.toContain(masked(zoe.code));
    const spentOnly = await (await owner.get('/gift-cards/list/results?status=spent', { 'hx-request': 'true' })).text();
    expect(spentOnly).toContain(masked(spent.code));
    expect(spentOnly).not.toContain(masked(robin.code));
  });

  test('"Load more" fetches the next rows of the same search, and the rows carry the next link while there is more', async () => {
    const [{ seq }] = await t.sql`select seq from gift_cards where id = ${spent.id}`;
    const rows = await (await owner.get(`/gift-cards/list/rows?status=active&cursor=${encodeCursor(Number(seq))}`, { 'hx-request': 'true' })).text();
    expect(rows).toContain(masked(zoe.code));
    expect(rows).toContain(masked(robin.code));
    expect(rows).not.toContain(masked(expired.code));
    expect(rows).not.toContain('Load more');
    const bad = await owner.get('/gift-cards/list/rows?cursor=nonsense', { 'hx-request': 'true' });
    expect(bad.status).toBe(400);
  });

  test('staff see the list but not the liability (owners and group keys only)', async () => {
    const res = await staff.get('/gift-cards/list');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(masked(robin.code));
    expect(page).not.toContain('id="gc-liability"');
    expect((await staff.get('/gift-cards/liability', { 'hx-request': 'true' })).status).toBe(403);
    expect((await staff.api().get('/api/v1/reports/gift-cards')).status).toBe(403);
  });
});
