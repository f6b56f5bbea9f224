import { describe, expect, test } from 'bun:test';
import { runCli } from '../../src/cli.ts';
import type { Api } from '../support/app.ts';
import { client, testApp } from '../support/app.ts';
import { signIn } from '../support/admin.ts';
import { burger, enrol, expectInvariants, footprint, issueCard, lastEventId } from '../support/fixtures.ts';

// The cross-location matrix for writes (issue 11): two sites of tenant A, a till's key bound to each
// (made with the CLI, as a till's key is), the group's tenant-wide key, and a staff admin limited to
// one site (also made with the CLI). A bound caller acts at its own site only: naming or addressing the
// other site is 403 location_mismatch and writes nothing; the group key may name either, and each
// write records the site it was made at (on its rows and its events).

const t = await testApp();
const site = async (name: string, code: string) => (await t.a.post('/api/v1/locations', { name, code, timeZone: 'Europe/London' })).body as { id: string };
const soho = await site('Soho', 'SOHO');
const camden = await site('Camden', 'CAMDEN');
const SITES = { SOHO: soho.id, CAMDEN: camden.id } as const;
type Code = keyof typeof SITES;

const cliKey = async (code: Code) => client(t.app, ((await runCli(['key', 'create', '--tenant', 'alpha', '--name', `${code} till`, '--location', code], t.sql)) as { apiKey: string }).apiKey);
const TILLS: Record<Code, Api> = { SOHO: await cliKey('SOHO'), CAMDEN: await cliKey('CAMDEN') };
await runCli(['admin', 'create', '--tenant', 'alpha', '--email', 'soho-manager@alpha.test', '--password', 'manager password', '--location', 'SOHO'], t.sql);
const sohoManager = await signIn(t.app, 'alpha', 'soho-manager@alpha.test', 'manager password');

let phones = 0;
const nextPhone = () => `+4473065${String(++phones).padStart(5, '0')}`;

type Fx = { customer: { id: string; phone: string }; card: string };
async function fixture(): Promise<Fx> {
  const customer = await enrol(t.a, nextPhone(), 200);
  return { customer, card: (await issueCard(t.a, 5000)).code };
}

/** Every write a till makes that can name a site in its body, as the API takes it. */
const WRITES: Record<string, (api: Api, fx: Fx, at: Record<string, string>) => ReturnType<Api['post']>> = {
  'points add': (api, fx, at) => api.post(`/api/v1/customers/${fx.customer.id}/points/add`, { points: 5, ...at }),
  'points redeem': (api, fx, at) => api.post(`/api/v1/customers/${fx.customer.id}/points/redeem`, { points: 5, ...at }),
  'points adjust': (api, fx, at) => api.post(`/api/v1/customers/${fx.customer.id}/points/adjust`, { points: -5, reason: 'Correction', ...at }),
  earn: (api, fx, at) => api.post('/api/v1/loyalty/earn', { phone: fx.customer.phone, orderTotalCents: 1000, ...at }),
  checkout: (api, fx, at) => api.post('/api/v1/orders', {
    source: 'pos', orderType: 'collection', items: [burger], customer: { phone: fx.customer.phone }, redeemPoints: 10,
    giftCard: { code: fx.card, amountCents: 100 }, ...at,
  }),
  'gift card issue': (api, _fx, at) => api.post('/api/v1/gift-cards', { amountCents: 1000, purchasedBy: 'Pat Buyer', ...at }),
  'gift card redeem': (api, fx, at) => api.post(`/api/v1/gift-cards/${fx.card}/redeem`, { amountCents: 100, ...at }),
  'gift card void': (api, fx, at) => api.post(`/api/v1/gift-cards/${fx.card}/void`, { ...at }),
};

/** The sites the events after `before` were recorded at: every write emits at least one. */
async function sitesOfEventsAfter(before: number) {
  const rows = await t.sql`select distinct location_id from events where tenant_id = ${t.tenantA.id} and id > ${before}`;
  return rows.map((r) => r.location_id as string | null);
}

type Write = () => ReturnType<Api['post']>;

async function expectRefused(write: Write) {
  const before = await footprint(t.sql);
  const r = await write();
  expect({ status: r.status, code: r.body?.code }).toEqual({ status: 403, code: 'location_mismatch' });
  expect(await footprint(t.sql)).toEqual(before);
}

async function expectWrittenAt(code: Code, write: Write) {
  const before = await lastEventId(t.sql, t.tenantA.id);
  const r = await write();
  expect(r.status).toBeLessThan(300);
  expect(await sitesOfEventsAfter(before)).toEqual([SITES[code]]);
  return r;
}

/** A write of WRITES with its fixture made first, so only the write itself is judged. */
async function prepared(name: string, api: Api, at: Record<string, string>): Promise<Write> {
  const fx = await fixture();
  return () => WRITES[name](api, fx, at);
}

describe('bound tills (keys made with the CLI) write only at their own site', () => {
  for (const name of Object.keys(WRITES)) {
    test(`${name}: SOHO's till naming CAMDEN is 403 location_mismatch and writes nothing; naming SOHO or nothing records SOHO`, async () => {
      await expectRefused(await prepared(name, TILLS.SOHO, { locationId: camden.id }));
      await expectRefused(await prepared(name, TILLS.CAMDEN, { locationId: soho.id }));
      await expectWrittenAt('SOHO', await prepared(name, TILLS.SOHO, { locationId: soho.id }));
      await expectWrittenAt('SOHO', await prepared(name, TILLS.SOHO, {}));
      await expectWrittenAt('CAMDEN', await prepared(name, TILLS.CAMDEN, {}));
    });

    test(`${name}: the group key may name either site, and the write records the one it named`, async () => {
      await expectWrittenAt('SOHO', await prepared(name, t.a, { locationId: soho.id }));
      await expectWrittenAt('CAMDEN', await prepared(name, t.a, { locationId: camden.id }));
    });
  }

  test("a status change happens at the order's site: the other site's till is refused, its own and the group key are not", async () => {
    const order = async (code: Code) => (await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], locationId: SITES[code] })).body.id as string;
    const status = (api: Api, id: string, s: string) => () => api.post(`/api/v1/orders/${id}/status`, { status: s });
    const atCamden = await order('CAMDEN');
    await expectRefused(status(TILLS.SOHO, atCamden, 'preparing'));
    await expectRefused(status(TILLS.SOHO, atCamden, 'cancelled'));
    await expectWrittenAt('CAMDEN', status(TILLS.CAMDEN, atCamden, 'preparing'));
    await expectWrittenAt('CAMDEN', status(t.a, atCamden, 'ready'));
    const atSoho = await order('SOHO');
    await expectRefused(status(TILLS.CAMDEN, atSoho, 'cancelled'));
    await expectWrittenAt('SOHO', status(TILLS.SOHO, atSoho, 'cancelled'));
    const [{ sites }] = await t.sql`select array_agg(distinct location_id) as sites from order_status_history where order_id = ${atSoho}`;
    expect(sites).toEqual([soho.id]);
    await expectInvariants(t.sql);
  });

  test('points earned at one site are spent at the other: balances are group-wide', async () => {
    const c = await enrol(t.a, nextPhone());
    expect((await TILLS.SOHO.post('/api/v1/loyalty/earn', { phone: c.phone, orderTotalCents: 5000 })).status).toBe(200);
    const spent = await TILLS.CAMDEN.post(`/api/v1/customers/${c.id}/points/redeem`, { points: 50 });
    expect(spent.status).toBe(200);
    expect(spent.body.customer.pointsBalance).toBe(0);
    const rows = await t.sql`select type, location_id from ledger where customer_id = ${c.id} order by seq`;
    expect(rows.map((r) => [r.type, r.location_id])).toEqual([['earn', soho.id], ['redeem', camden.id]]);
  });

  test("a bound till's order list holds its own site's orders only; the group key's holds both", async () => {
    const a = (await TILLS.SOHO.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    const b = (await TILLS.CAMDEN.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    const ids = async (api: Api) => ((await api.get('/api/v1/orders?limit=100')).body.data as { id: string; locationId: string }[]);
    const sohoList = await ids(TILLS.SOHO);
    expect(sohoList.map((o) => o.id)).toContain(a);
    expect(sohoList.map((o) => o.id)).not.toContain(b);
    expect(new Set(sohoList.map((o) => o.locationId))).toEqual(new Set([soho.id]));
    const group = (await ids(t.a)).map((o) => o.id);
    expect(group).toEqual(expect.arrayContaining([a, b]));
  });
});

describe('a staff admin limited to a site (made with the CLI)', () => {
  const page = (path: string) => sohoManager.get(path);

  test("their writes through the admin door happen at their site: POS points, a gift card, a move on the board", async () => {
    const c = await enrol(t.a, nextPhone(), 20);
    let before = await lastEventId(t.sql, t.tenantA.id);
    expect((await sohoManager.post(`/pos/${c.id}/add`, { points: '5' })).status).toBe(200);
    expect((await sohoManager.post(`/customers/${c.id}/points/redeem`, { points: '5' })).status).toBe(200);
    expect((await sohoManager.post('/gift-cards', { amount: '10.00', purchasedBy: 'Pat Buyer' })).status).toBe(200);
    expect(await sitesOfEventsAfter(before)).toEqual([soho.id]);
    const [{ sites }] = await t.sql`select array_agg(distinct location_id) as sites from ledger where customer_id = ${c.id} and actor like 'admin:%'`;
    expect(sites).toEqual([soho.id]);
    const atSoho = (await TILLS.SOHO.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    before = await lastEventId(t.sql, t.tenantA.id);
    expect((await sohoManager.post(`/orders/${atSoho}/status`, { status: 'preparing' })).status).toBe(200);
    expect(await sitesOfEventsAfter(before)).toEqual([soho.id]);
  });

  test("moving the other site's order, or naming the other site through the API with their cookie, is refused and writes nothing", async () => {
    const atCamden = (await TILLS.CAMDEN.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    const before = await footprint(t.sql);
    const moved = await sohoManager.post(`/orders/${atCamden}/status`, { status: 'preparing' });
    expect(moved.status).toBe(403);
    expect(await moved.text()).toContain('bound to another location');
    expect(await footprint(t.sql)).toEqual(before);
    const fx = await fixture();
    for (const [name, write] of Object.entries(WRITES)) {
      const was = await footprint(t.sql);
      const r = await write(sohoManager.api(), fx, { locationId: camden.id });
      expect({ name, status: r.status, code: r.body?.code }).toEqual({ name, status: 403, code: 'location_mismatch' });
      expect(await footprint(t.sql)).toEqual(was);
    }
    await expectWrittenAt('SOHO', () => WRITES['points add'](sohoManager.api(), fx, {}));
  });

  test("their orders board and order lists show their site's orders only; customers and balances stay group-wide", async () => {
    const atSoho = (await TILLS.SOHO.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    const atCamden = (await TILLS.CAMDEN.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] })).body.id;
    for (const path of ['/orders', '/orders/board']) {
      const html = await (await page(path)).text();
      expect(html).toContain(`order-${atSoho}`);
      expect(html).not.toContain(`order-${atCamden}`);
    }
    const listed = (await sohoManager.api().get('/api/v1/orders?limit=100')).body.data.map((o: { id: string }) => o.id);
    expect(listed).toContain(atSoho);
    expect(listed).not.toContain(atCamden);
    // A customer who only ever visited Camden is on the manager's customer list with their balance.
    const c = await enrol(TILLS.CAMDEN, nextPhone(), 30, 'Camden Regular');
    const customers = await (await page(`/customers/results?q=${encodeURIComponent('Camden Regular')}`)).text();
    expect(customers).toContain(`cust-${c.id}`);
    expect((await sohoManager.api().get(`/api/v1/customers/${c.id}`)).body.pointsBalance).toBe(30);
  });

  test('they may not change the whole group, even where a staff admin of the group may read', async () => {
    expect((await page('/locations')).status).toBe(403);
    expect((await sohoManager.api().post('/api/v1/locations', { name: 'Rogue', code: 'ROGUE', timeZone: 'UTC' })).status).toBe(403);
    expect((await sohoManager.api().get('/api/v1/locations')).status).toBe(200);
  });
});
