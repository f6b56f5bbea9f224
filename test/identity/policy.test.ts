import { describe, expect, test } from 'bun:test';
import { AT_A_LOCATION, OPERATIONS, POLICY, SITE_SCOPED_READS, allows, authorize, type Operation } from '../../src/identity/policy.ts';
import type { Caller, Role } from '../../src/identity/caller.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { ApiError } from '../../src/platform/errors.ts';
import type { Sql } from '../../src/platform/database.ts';
import { escapeHtml } from '../../src/admin/app.tsx';
import { client, testApp, type Api } from '../support/app.ts';
import { AdminClient, createAdmin, signIn } from '../support/admin.ts';
import { burger, enrol, issueCard, lastEventId } from '../support/fixtures.ts';

// The authorization matrix: every operation of src/identity/policy.ts × every kind of caller, through
// each door the operation has, over HTTP only. What each caller should get is derived from POLICY
// itself, so changing the table changes what this file expects. Tenant A owns every resource probed;
// tenant B is the other tenant. A refused call must leave tenant A exactly as it was (every row of
// every table, compared before and after).
//
// Two more callers are bound to one of A's sites, HOME: a till's key, and a staff admin an owner limited
// to it. Where a call can reach a site (a body naming one, an order placed at one, a list of orders),
// they are probed at HOME and at AWAY, and POLICY's GROUP_ONLY, AT_A_LOCATION and SITE_SCOPED_READS say
// what they get; every write they are allowed is recorded at HOME.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'owner password');
const ownerA = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staffA = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');
const ownerB = await signIn(t.app, 'bravo', 'owner@bravo.test', 'owner password');

const siteOfA = async (name: string, code: string) => (await t.sql`insert into locations (tenant_id, name, code, time_zone)
  values (${t.tenantA.id}, ${name}, ${code}, 'Europe/London') returning id`)[0].id as string;
/** A's two sites: the bound callers' own, and another. */
const SITE = { home: await siteOfA('Home site', 'HOME'), away: await siteOfA('Away site', 'AWAY') } as const;
type At = keyof typeof SITE;
const boundKeyA = await createApiKey(t.sql, t.tenantA.id, "HOME's till", SITE.home);
const limitedStaffId = await createAdmin(t.sql, t.tenantA.id, 'home-staff@alpha.test', 'staff password', 'staff');
await t.sql`update admins set location_id = ${SITE.home} where id = ${limitedStaffId}`;
const limitedStaffA = await signIn(t.app, 'alpha', 'home-staff@alpha.test', 'staff password');

// Fixtures: what a probe needs in tenant A, made fresh for every cell of the matrix ---------------------

type Need = 'customer' | 'duplicate' | 'order' | 'card' | 'item' | 'key' | 'location' | 'staff' | 'reward' | 'webhook' | 'notification';

type Fixture = {
  n: number;
  /** A phone nobody has enrolled yet. */
  newPhone: string;
  /** The newest event of tenant A before this fixture was made. */
  eventsBefore: number;
  /** With 100 points. */
  customer: { id: string; phone: string; name: string };
  /** Another customer with 10 points (what a merge folds into `customer`). */
  duplicate: { id: string };
  /** Pending. */
  order: { id: string };
  /** Active, with a balance of 50.00. */
  card: { code: string };
  /** An open reconciliation item: a cancelled order whose points claw-back fell short. */
  itemId: string;
  /** An API key of tenant A that nothing else uses. */
  keyId: string;
  /** A location of tenant A (its code is unique to the fixture). */
  location: { id: string; code: string };
  /** A staff admin of tenant A that nothing else uses (not signed in). */
  staffId: string;
  /** An active reward of tenant A costing 5 points (its name is unique to the fixture). */
  reward: { id: string; name: string };
  /** A webhook endpoint of tenant A (nothing delivers to it in this file). */
  webhookId: string;
};

/** What a probe's paths look like in a test name. */
const PLACEHOLDERS: Fixture = {
  n: 0, newPhone: '{newPhone}', eventsBefore: 0,
  customer: { id: '{customer}', phone: '{phone}', name: '{name}' },
  duplicate: { id: '{duplicate}' },
  order: { id: '{order}' }, card: { code: '{code}' }, itemId: '{item}', keyId: '{key}',
  location: { id: '{location}', code: '{loc}' }, staffId: '{staff}', reward: { id: '{reward}', name: '{rewardName}' },
  webhookId: '{webhook}',
};

let made = 0;
let phones = 0;
const nextPhone = () => `+4473066${String(++phones).padStart(5, '0')}`;
const label = (n: number) => `Customer-${String(n).padStart(5, '0')}`;

/** `at`: the site the fixture's order is placed at (none when null). */
async function fixture(needs: readonly Need[], at: At | null = null): Promise<Fixture> {
  const n = ++made;
  const fx = { ...PLACEHOLDERS, n, newPhone: nextPhone(), eventsBefore: await lastEventId(t.sql, t.tenantA.id) };
  if (needs.includes('customer')) {
    const name = label(n);
    const c = await enrol(t.a, nextPhone(), 100, name);
    fx.customer = { id: c.id, phone: c.phone, name };
  }
  if (needs.includes('duplicate')) fx.duplicate = { id: (await enrol(t.a, nextPhone(), 10, `${label(n)}-dup`)).id };
  if (needs.includes('order')) {
    const o = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], ...(at ? { locationId: SITE[at] } : {}) });
    expect(o.status).toBe(201);
    fx.order = { id: o.body.id };
  }
  if (needs.includes('card')) fx.card = { code: (await issueCard(t.a, 5000)).code };
  if (needs.includes('item')) {
    const c = await enrol(t.a, nextPhone(), 0, `${label(n)}-owing`);
    const o = await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger], customer: { phone: c.phone } });
    expect(o.body.pointsEarned).toBeGreaterThan(0);
    expect((await t.a.post(`/api/v1/customers/${c.id}/points/redeem`, { points: o.body.pointsEarned })).status).toBe(200);
    expect((await t.a.post(`/api/v1/orders/${o.body.id}/status`, { status: 'cancelled' })).status).toBe(200);
    const [item] = await t.sql`select id from reconciliation_queue where order_id = ${o.body.id} and resolved_at is null`;
    fx.itemId = item.id;
  }
  if (needs.includes('key')) fx.keyId = (await createApiKey(t.sql, t.tenantA.id, `probe key ${n}`)).id;
  if (needs.includes('staff')) fx.staffId = await createAdmin(t.sql, t.tenantA.id, `probe-staff-${n}@alpha.test`, 'staff password', 'staff');
  if (needs.includes('location')) {
    const code = `P${n}`;
    const [row] = await t.sql`insert into locations (tenant_id, name, code, time_zone)
      values (${t.tenantA.id}, ${`Site ${label(n)}`}, ${code}, 'Europe/London') returning id`;
    fx.location = { id: row.id, code };
  }
  if (needs.includes('notification')) {
    // An unread notification for every admin of A (reconciliation items notify owners and staff by default).
    await t.sql`select notify_admins(${t.tenantA.id}, 'reconciliation_item', null, null, 'Probe', null, null, ${`probe:${n}`})`;
  }
  if (needs.includes('reward')) {
    const name = `Reward ${label(n)}`;
    const [row] = await t.sql`insert into rewards (tenant_id, name, points_cost, free_item) values (${t.tenantA.id}, ${name}, 5, 'Tea') returning id`;
    fx.reward = { id: row.id, name };
  }
  if (needs.includes('webhook')) {
    const [row] = await t.sql`insert into webhooks (tenant_id, url, secret) values (${t.tenantA.id}, ${`https://example.com/hook/${n}`}, 'whsec_probe') returning id`;
    fx.webhookId = row.id;
  }
  return fx;
}

/** A well-formed gift card code that no tenant has. */
const UNKNOWN_CODE = 'GC-0000-0000-0000-0000';

/** Everything tenant A holds, row for row (api_keys without last_used_at, a hint written in the background). */
async function tenantState(sql: Sql, tenantId: string) {
  const [row] = await sql`select
    (select md5(x::text) from tenants x where x.id = ${tenantId}) as settings,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from customers x where x.tenant_id = ${tenantId}) as customers,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from ledger x where x.tenant_id = ${tenantId}) as ledger,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from orders x where x.tenant_id = ${tenantId}) as orders,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from order_status_history x where x.tenant_id = ${tenantId}) as order_history,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from gift_cards x where x.tenant_id = ${tenantId}) as gift_cards,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from gift_card_activity x where x.tenant_id = ${tenantId}) as gift_card_activity,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from reconciliation_queue x where x.tenant_id = ${tenantId}) as reconciliation,
    (select md5(coalesce(string_agg(concat_ws(',', x.id, x.name, x.revoked_at), '|' order by x.id), '')) from api_keys x
      where x.tenant_id = ${tenantId}) as api_keys,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from locations x where x.tenant_id = ${tenantId}) as locations,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from rewards x where x.tenant_id = ${tenantId}) as rewards,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from wallet_links x where x.tenant_id = ${tenantId}) as wallet_links,
    (select md5(coalesce(string_agg(concat_ws(',', x.id, x.email, x.role, x.location_id, x.deactivated_at, x.password_hash), '|' order by x.id), '')) from admins x
      where x.tenant_id = ${tenantId}) as admins,
    (select md5(coalesce(string_agg(x::text, '|' order by x.id), '')) from webhooks x where x.tenant_id = ${tenantId}) as webhooks,
    (select count(*)::int from events x where x.tenant_id = ${tenantId}) as events`;
  return { ...row };
}
const stateOfA = () => tenantState(t.sql, t.tenantA.id);

// The table of probes: one per operation, each call exercising exactly that operation -----------------

/**
 * How a call can reach one of A's sites, so that a bound caller is probed at its own and at another:
 * `body` names the site (`locationId`), `resource` is an order placed at the site, `list` lists orders.
 */
type Site = 'body' | 'resource' | 'list';

type Scope =
  /** Addresses one of A's resources by id or code: another tenant gets 404. */
  | 'resource'
  /** Lists or creates within the caller's tenant: another tenant acts on its own and sees none of A's rows. */
  | 'tenant';

type ApiCall = {
  door: 'api';
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (fx: Fixture) => string;
  body?: (fx: Fixture) => unknown;
  headers?: (fx: Fixture) => Record<string, string>;
  /** The success status. */
  ok: number;
  scope: Scope;
  /** Something of A's that A's own allowed callers see in the answer (and tenant B must not). */
  shows?: (fx: Fixture) => string;
  site?: Site;
};

type PageCall = {
  door: 'admin';
  method: 'GET' | 'POST';
  /** Under /{tenant}/admin. */
  path: (fx: Fixture) => string;
  form?: (fx: Fixture) => Record<string, string>;
  /** A fragment the page fetches with htmx (POSTs always are). */
  htmx?: boolean;
  ok: number;
  scope: Scope;
  shows?: (fx: Fixture) => string;
  /**
   * The gift card panel answers a code its tenant does not have in place (200, "no gift card has that
   * code"), never 404: another tenant's code must get exactly the answer a code nobody has gets.
   */
  inlineMiss?: (fx: Fixture) => Fixture;
  site?: Site;
};

type Call = ApiCall | PageCall;

type Probe = {
  needs: readonly Need[];
  calls: readonly Call[];
  /** Why an operation has no call through a door. */
  noDoor?: { api?: string; admin?: string };
};

const api = (method: ApiCall['method'], path: ApiCall['path'], ok: number, scope: Scope, more: Partial<ApiCall> = {}): ApiCall =>
  ({ door: 'api', method, path, ok, scope, ...more });
const admin = (method: PageCall['method'], path: PageCall['path'], ok: number, scope: Scope, more: Partial<PageCall> = {}): PageCall =>
  ({ door: 'admin', method, path, ok, scope, ...more });

const unknownCard = (fx: Fixture): Fixture => ({ ...fx, card: { code: UNKNOWN_CODE } });
const today = () => new Date().toISOString().slice(0, 10);
const aroundToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const PROBES: Record<Operation, Probe> = {
  'customers.read': {
    needs: ['customer'],
    calls: [
      api('GET', (fx) => `/api/v1/customers/${fx.customer.id}`, 200, 'resource'),
      api('GET', () => '/api/v1/customers', 200, 'tenant', { shows: (fx) => fx.customer.id }),
      admin('GET', (fx) => `/customers/${fx.customer.id}`, 200, 'resource'),
      admin('GET', () => '/customers', 200, 'tenant', { shows: (fx) => fx.customer.id }),
      admin('GET', (fx) => `/pos/lookup?phone=${encodeURIComponent(fx.customer.phone)}`, 200, 'tenant', { htmx: true, shows: (fx) => fx.customer.name }),
    ],
  },
  'customers.export': {
    needs: ['customer'],
    // The range spans yesterday to tomorrow, so the fixture's points (added today, UTC) are inside it
    // whatever the group's zone makes of today.
    calls: [
      api('GET', () => '/api/v1/customers?format=csv', 200, 'tenant', { shows: (fx) => fx.customer.id }),
      api('GET', (fx) => `/api/v1/customers/${fx.customer.id}/transactions?format=csv`, 200, 'resource', { shows: (fx) => fx.customer.id }),
      api('GET', () => `/api/v1/ledger?from=${aroundToday(-1)}&to=${aroundToday(1)}`, 200, 'tenant', { shows: (fx) => fx.customer.id }),
      admin('GET', () => '/customers/export', 200, 'tenant', { shows: (fx) => fx.customer.id }),
      admin('GET', (fx) => `/customers/${fx.customer.id}/export`, 200, 'resource', { shows: (fx) => fx.customer.id }),
      admin('GET', () => `/customers/export/ledger?from=${aroundToday(-1)}&to=${aroundToday(1)}`, 200, 'tenant', { shows: (fx) => fx.customer.id }),
    ],
  },
  'customers.enrol': {
    needs: [],
    calls: [
      api('POST', () => '/api/v1/customers', 201, 'tenant', { body: (fx) => ({ phone: fx.newPhone, name: 'Enrolled by a probe' }) }),
      admin('POST', () => '/customers', 200, 'tenant', { form: (fx) => ({ phone: fx.newPhone, name: 'Enrolled by a probe' }) }),
      admin('POST', () => '/pos/enrol', 200, 'tenant', { form: (fx) => ({ phone: fx.newPhone, name: 'Enrolled by a probe' }) }),
    ],
  },
  'customers.merge': {
    needs: ['customer', 'duplicate'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/merge`, 200, 'resource', { body: (fx) => ({ duplicateId: fx.duplicate.id }) }),
      admin('POST', (fx) => `/customers/${fx.customer.id}/merge`, 200, 'resource', { form: (fx) => ({ duplicateId: fx.duplicate.id }) }),
    ],
  },
  'customers.erase': {
    needs: ['customer'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/erase`, 200, 'resource'),
      admin('POST', (fx) => `/customers/${fx.customer.id}/erase`, 200, 'resource', { form: () => ({ confirm: 'erase' }) }),
    ],
  },
  'customers.edit': {
    needs: ['customer'],
    calls: [
      api('PATCH', (fx) => `/api/v1/customers/${fx.customer.id}`, 200, 'resource', { body: () => ({ note: 'Edited by a probe' }), headers: () => ({ 'if-match': '*' }) }),
      // Only the opt-in changes, so a version moved on by an earlier probe is applied on top, not a conflict.
      admin('POST', (fx) => `/customers/${fx.customer.id}/edit`, 200, 'resource', {
        form: (fx) => ({ version: '1', orig_phone: fx.customer.phone, phone: fx.customer.phone, orig_marketingOptIn: 'false', marketingOptIn: 'true' }),
      }),
    ],
  },
  'customers.walletLink': {
    needs: ['customer'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/wallet-link`, 201, 'resource'),
      api('DELETE', (fx) => `/api/v1/customers/${fx.customer.id}/wallet-link`, 200, 'resource'),
      admin('POST', (fx) => `/customers/${fx.customer.id}/wallet-link`, 200, 'resource'),
      admin('POST', (fx) => `/customers/${fx.customer.id}/wallet-link/revoke`, 200, 'resource'),
    ],
  },
  'points.add': {
    needs: ['customer'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/points/add`, 200, 'resource', { body: () => ({ points: 5 }), site: 'body' }),
      admin('POST', (fx) => `/customers/${fx.customer.id}/points/add`, 200, 'resource', { form: () => ({ points: '5' }) }),
      admin('POST', (fx) => `/pos/${fx.customer.id}/add`, 200, 'resource', { form: () => ({ points: '5' }) }),
    ],
  },
  'points.redeem': {
    needs: ['customer', 'reward'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/points/redeem`, 200, 'resource', { body: () => ({ points: 5 }), site: 'body' }),
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/rewards/${fx.reward.id}/redeem`, 200, 'resource', { body: () => ({}), site: 'body' }),
      admin('POST', (fx) => `/customers/${fx.customer.id}/points/redeem`, 200, 'resource', { form: () => ({ points: '5' }) }),
      admin('POST', (fx) => `/pos/${fx.customer.id}/redeem`, 200, 'resource', { form: () => ({ points: '5' }) }),
      admin('POST', (fx) => `/pos/${fx.customer.id}/rewards/${fx.reward.id}`, 200, 'resource'),
    ],
  },
  'points.adjust': {
    needs: ['customer'],
    calls: [
      api('POST', (fx) => `/api/v1/customers/${fx.customer.id}/points/adjust`, 200, 'resource', { body: () => ({ points: -5, reason: 'Correction' }), site: 'body' }),
      admin('POST', (fx) => `/customers/${fx.customer.id}/points/adjust`, 200, 'resource', { form: () => ({ points: '-5', reason: 'Correction' }) }),
    ],
  },
  'loyalty.earn': {
    needs: ['customer'],
    // By phone within the caller's tenant: another tenant's key earns (and enrols) in its own tenant.
    calls: [
      api('POST', () => '/api/v1/loyalty/earn', 200, 'tenant', { body: (fx) => ({ phone: fx.customer.phone, orderTotalCents: 1000 }), site: 'body' }),
    ],
    noDoor: { admin: 'The admin pages add points by hand (points.add); earning on an order total is a till integration.' },
  },
  'orders.read': {
    needs: ['order'],
    calls: [
      api('GET', (fx) => `/api/v1/orders/${fx.order.id}`, 200, 'resource'),
      api('GET', () => '/api/v1/orders', 200, 'tenant', { shows: (fx) => fx.order.id, site: 'list' }),
      admin('GET', () => '/orders', 200, 'tenant', { shows: (fx) => fx.order.id, site: 'list' }),
      admin('GET', () => '/orders/board', 200, 'tenant', { htmx: true, shows: (fx) => fx.order.id, site: 'list' }),
    ],
  },
  'orders.create': {
    needs: [],
    calls: [
      api('POST', () => '/api/v1/orders', 201, 'tenant', { body: () => ({ source: 'pos', orderType: 'collection', items: [burger] }), site: 'body' }),
    ],
    noDoor: { admin: 'Orders are placed by tills and the online shop; the admin board only moves them on.' },
  },
  'orders.setStatus': {
    needs: ['order'],
    calls: [
      api('POST', (fx) => `/api/v1/orders/${fx.order.id}/status`, 200, 'resource', { body: () => ({ status: 'preparing' }), site: 'resource' }),
      admin('POST', (fx) => `/orders/${fx.order.id}/status`, 200, 'resource', { form: () => ({ status: 'preparing' }), site: 'resource' }),
    ],
  },
  'giftCards.read': {
    needs: ['card'],
    calls: [
      api('GET', (fx) => `/api/v1/gift-cards/${fx.card.code}`, 200, 'resource'),
      api('GET', (fx) => `/api/v1/gift-cards/${fx.card.code}/activity`, 200, 'resource'),
      admin('GET', (fx) => `/gift-cards/lookup?code=${encodeURIComponent(fx.card.code)}`, 200, 'resource',
        { htmx: true, shows: (fx) => fx.card.code, inlineMiss: unknownCard }),
      admin('GET', () => '/gift-cards', 200, 'tenant'),
      api('GET', () => '/api/v1/gift-cards?limit=200', 200, 'tenant', { shows: (fx) => `GC-****-****-****-${fx.card.code.slice(-4)}` }),
      admin('GET', () => '/gift-cards/list', 200, 'tenant', { shows: (fx) => `GC-****-****-****-${fx.card.code.slice(-4)}` }),
      admin('GET', () => '/gift-cards/list/results', 200, 'tenant', { htmx: true, shows: (fx) => `GC-****-****-****-${fx.card.code.slice(-4)}` }),
    ],
  },
  'giftCards.liability': {
    needs: ['card'],
    calls: [
      api('GET', () => `/api/v1/reports/gift-cards?from=${aroundToday(-1)}&to=${aroundToday(1)}`, 200, 'tenant'),
      admin('GET', () => `/gift-cards/liability?from=${aroundToday(-1)}&to=${aroundToday(1)}`, 200, 'tenant', { htmx: true }),
    ],
  },
  'giftCards.issue': {
    needs: [],
    calls: [
      api('POST', () => '/api/v1/gift-cards', 201, 'tenant', { body: () => ({ amountCents: 1000, purchasedBy: 'Pat Buyer' }), site: 'body' }),
      admin('POST', () => '/gift-cards', 200, 'tenant', { form: () => ({ amount: '10.00', purchasedBy: 'Pat Buyer' }) }),
    ],
  },
  'giftCards.redeem': {
    needs: ['card'],
    calls: [
      api('POST', (fx) => `/api/v1/gift-cards/${fx.card.code}/redeem`, 200, 'resource', { body: () => ({ amountCents: 100 }), site: 'body' }),
      admin('POST', () => '/gift-cards/redeem', 200, 'resource', { form: (fx) => ({ code: fx.card.code, amount: '1.00' }), inlineMiss: unknownCard }),
    ],
  },
  'giftCards.void': {
    needs: ['card'],
    calls: [
      api('POST', (fx) => `/api/v1/gift-cards/${fx.card.code}/void`, 200, 'resource', { site: 'body' }),
      admin('POST', () => '/gift-cards/void', 200, 'resource', { form: (fx) => ({ code: fx.card.code }), inlineMiss: unknownCard }),
    ],
  },
  'reconciliation.read': {
    needs: ['item'],
    calls: [
      api('GET', () => '/api/v1/reconciliation', 200, 'tenant', { shows: (fx) => fx.itemId }),
      admin('GET', () => '/reconciliation', 200, 'tenant', { shows: (fx) => fx.itemId }),
    ],
  },
  'reconciliation.resolve': {
    needs: ['item'],
    calls: [
      api('POST', (fx) => `/api/v1/reconciliation/${fx.itemId}/resolve`, 200, 'resource', { body: () => ({ note: 'Written off' }) }),
      admin('POST', (fx) => `/reconciliation/${fx.itemId}/resolve`, 200, 'resource', { form: () => ({ note: 'Written off' }) }),
    ],
  },
  'reports.read': {
    needs: ['order'],
    calls: [
      api('GET', () => `/api/v1/reports/daily?date=${today()}`, 200, 'tenant'),
      api('GET', () => `/api/v1/reports/daily/range?from=${today()}&to=${today()}`, 200, 'tenant'),
      admin('GET', () => '/dashboard', 200, 'tenant'),
      admin('GET', () => '/dashboard/body', 200, 'tenant', { htmx: true }),
    ],
  },
  'events.read': {
    needs: ['customer'],
    calls: [
      api('GET', (fx) => `/api/v1/events?after=${fx.eventsBefore}`, 200, 'tenant', { shows: (fx) => fx.customer.id }),
      admin('GET', () => '/activity', 200, 'tenant', { shows: (fx) => fx.customer.name }),
    ],
  },
  'settings.read': {
    needs: [],
    calls: [
      api('GET', () => '/api/v1/settings', 200, 'tenant', { shows: () => 'Alpha Diner' }),
    ],
    noDoor: { admin: 'The admin Settings page is the form that changes them: it is settings.update (below).' },
  },
  'terminals.read': {
    needs: ['key'],
    calls: [
      api('GET', () => '/api/v1/terminals', 200, 'tenant', { shows: (fx) => fx.keyId }),
      admin('GET', () => '/terminals', 200, 'tenant', { shows: (fx) => fx.keyId }),
      admin('GET', () => '/terminals/table', 200, 'tenant', { htmx: true, shows: (fx) => fx.keyId }),
    ],
  },
  'notifications.read': {
    needs: [],
    calls: [
      api('GET', () => '/api/v1/notifications', 200, 'tenant', { shows: () => 'unreadCount' }),
      api('GET', () => '/api/v1/notifications/preferences', 200, 'tenant', { shows: () => 'redemptionThreshold' }),
      admin('GET', () => '/notifications/panel', 200, 'tenant', { htmx: true, shows: () => '/alpha/admin/notifications' }),
      admin('GET', () => '/notifications', 200, 'tenant', { shows: () => '/alpha/admin/notifications/preferences' }),
    ],
  },
  'notifications.manage': {
    needs: ['notification'],
    calls: [
      api('POST', () => '/api/v1/notifications/read-all', 200, 'tenant'),
      admin('POST', () => '/notifications/read-all', 200, 'tenant'),
    ],
  },
  'settings.update': {
    needs: [],
    calls: [
      api('PATCH', () => '/api/v1/settings', 200, 'tenant', { body: (fx) => ({ pointValueCents: 2 + (fx.n % 1000) }) }),
      admin('GET', () => '/settings', 200, 'tenant', { shows: () => 'Alpha Diner' }),
      admin('POST', () => '/settings', 200, 'tenant', { form: (fx) => ({ pointValueCents: String(2 + (fx.n % 1000)) }) }),
    ],
  },
  'locations.read': {
    needs: ['location'],
    calls: [
      api('GET', () => '/api/v1/locations', 200, 'tenant', { shows: (fx) => fx.location.id }),
      api('GET', (fx) => `/api/v1/locations/${fx.location.id}`, 200, 'resource'),
    ],
    noDoor: { admin: 'The admin Locations page is where owners change them: it is locations.manage (below).' },
  },
  'locations.manage': {
    needs: ['location'],
    calls: [
      api('POST', () => '/api/v1/locations', 201, 'tenant', { body: (fx) => ({ name: `Made by probe ${fx.n}`, code: `M${fx.n}`, timeZone: 'Europe/London' }) }),
      api('PATCH', (fx) => `/api/v1/locations/${fx.location.id}`, 200, 'resource', { body: (fx) => ({ name: `Renamed ${fx.n}` }) }),
      admin('GET', () => '/locations', 200, 'tenant', { shows: (fx) => fx.location.id }),
      admin('POST', () => '/locations', 200, 'tenant', { form: (fx) => ({ name: `Made by probe ${fx.n}`, code: `M${fx.n}`, timeZone: 'Europe/London' }) }),
      admin('POST', (fx) => `/locations/${fx.location.id}`, 200, 'resource',
        { form: (fx) => ({ name: `Renamed ${fx.n}`, code: fx.location.code, timeZone: 'Europe/London' }) }),
      admin('POST', (fx) => `/locations/${fx.location.id}/archive`, 200, 'resource'),
    ],
  },
  'rewards.read': {
    needs: ['customer', 'reward'],
    calls: [
      api('GET', () => '/api/v1/rewards', 200, 'tenant', { shows: (fx) => fx.reward.id }),
      api('GET', (fx) => `/api/v1/customers/${fx.customer.id}/rewards`, 200, 'resource', { shows: (fx) => fx.reward.id }),
      admin('GET', (fx) => `/pos/${fx.customer.id}/rewards`, 200, 'resource', { htmx: true, shows: (fx) => fx.reward.name }),
    ],
  },
  'rewards.manage': {
    needs: ['reward'],
    calls: [
      api('POST', () => '/api/v1/rewards', 201, 'tenant', { body: (fx) => ({ name: `Made by probe ${fx.n}`, pointsCost: 10, freeItem: 'Tea' }) }),
      api('PATCH', (fx) => `/api/v1/rewards/${fx.reward.id}`, 200, 'resource', { body: (fx) => ({ name: `Renamed ${fx.n}` }) }),
      admin('GET', () => '/rewards', 200, 'tenant', { shows: (fx) => fx.reward.id }),
      admin('POST', () => '/rewards', 200, 'tenant', { form: (fx) => ({ name: `Made by probe ${fx.n}`, pointsCost: '10', freeItem: 'Tea' }) }),
      admin('POST', (fx) => `/rewards/${fx.reward.id}`, 200, 'resource', { form: (fx) => ({ name: `Renamed ${fx.n}`, pointsCost: '6' }) }),
      admin('POST', (fx) => `/rewards/${fx.reward.id}/active`, 200, 'resource', { form: () => ({ active: 'false' }) }),
    ],
  },
  'apiKeys.manage': {
    needs: ['key'],
    calls: [
      admin('GET', () => '/keys', 200, 'tenant', { shows: (fx) => fx.keyId }),
      admin('POST', () => '/keys', 200, 'tenant', { form: () => ({ name: 'Till made by a probe' }) }),
      admin('POST', (fx) => `/keys/${fx.keyId}/revoke`, 200, 'resource'),
    ],
    noDoor: { api: 'Keys are credentials: there is no API route to mint or revoke them (the admin page and the CLI only).' },
  },
  'webhooks.manage': {
    needs: ['webhook'],
    calls: [
      api('GET', () => '/api/v1/webhooks', 200, 'tenant', { shows: (fx) => fx.webhookId }),
      api('POST', () => '/api/v1/webhooks', 201, 'tenant', { body: (fx) => ({ url: `https://example.com/made/${fx.n}` }) }),
      api('PATCH', (fx) => `/api/v1/webhooks/${fx.webhookId}`, 200, 'resource', { body: () => ({ status: 'paused' }) }),
      api('GET', (fx) => `/api/v1/webhooks/${fx.webhookId}/deliveries`, 200, 'resource'),
      api('POST', (fx) => `/api/v1/webhooks/${fx.webhookId}/replay`, 200, 'resource', { body: () => ({ afterEventId: 0 }) }),
      admin('GET', () => '/webhooks', 200, 'tenant', { shows: (fx) => fx.webhookId }),
      admin('POST', () => '/webhooks', 200, 'tenant', { form: (fx) => ({ url: `https://example.com/page/${fx.n}`, types: 'new_order' }) }),
      admin('GET', (fx) => `/webhooks/${fx.webhookId}`, 200, 'resource'),
      admin('POST', (fx) => `/webhooks/${fx.webhookId}/status`, 200, 'resource', { form: () => ({ status: 'paused' }) }),
      admin('POST', (fx) => `/webhooks/${fx.webhookId}/replay`, 200, 'resource', { form: () => ({ eventId: '0', mode: 'after' }) }),
      admin('POST', (fx) => `/webhooks/${fx.webhookId}/delete`, 200, 'resource'),
    ],
  },
  'admins.manage': {
    needs: ['staff', 'location'],
    calls: [
      admin('POST', (fx) => `/staff/${fx.staffId}/location`, 200, 'resource', { form: (fx) => ({ locationId: fx.location.id }) }),
      admin('GET', () => '/team', 200, 'tenant', { shows: (fx) => fx.staffId }),
      admin('POST', () => '/team', 200, 'tenant', { form: (fx) => ({ email: `probe-added-${fx.n}@alpha.test`, role: 'staff' }) }),
      admin('POST', (fx) => `/team/${fx.staffId}/role`, 200, 'resource', { form: () => ({ role: 'owner' }) }),
      admin('POST', (fx) => `/team/${fx.staffId}/reset`, 200, 'resource'),
      admin('POST', (fx) => `/team/${fx.staffId}/deactivate`, 200, 'resource'),
    ],
    noDoor: { api: 'Admin accounts are managed by owners on the Team and Locations pages and with the CLI; there is no API route.' },
  },
};

// Callers and what each one should get ------------------------------------------------------------------

type Who = 'key' | 'owner' | 'staff' | 'boundKey' | 'limitedStaff' | 'otherTenant' | 'anonymous';
const CALLERS: readonly Who[] = ['key', 'owner', 'staff', 'boundKey', 'limitedStaff', 'otherTenant', 'anonymous'];
const BOUND: readonly Who[] = ['boundKey', 'limitedStaff'];

const WHO = {
  api: {
    key: "A's API key", owner: "A's owner session (cookie)", staff: "A's staff session (cookie)", boundKey: "A's key bound to a site",
    limitedStaff: "A's staff limited to a site (cookie)", otherTenant: "B's API key", anonymous: 'no credentials',
  },
  admin: {
    key: "A's API key (Bearer)", owner: "A's owner session", staff: "A's staff session", boundKey: "A's key bound to a site (Bearer)",
    limitedStaff: "A's staff limited to a site", otherTenant: "B's owner session", anonymous: 'no credentials',
  },
} as const;

type Outcome =
  | { kind: 'allowed' }
  | { kind: 'forbidden'; role: Role; bound: boolean }
  /** A bound caller reaching another site with a write: 403 location_mismatch. */
  | { kind: 'mismatch' }
  /** A bound caller's list of another site's rows: answered, without them. */
  | { kind: 'ownSiteOnly' }
  | { kind: 'notFound' }
  | { kind: 'ownTenant' }
  | { kind: 'signIn' };

/** What POLICY says this caller gets for this call; `at` is where a bound caller's probe reaches. */
function outcome(op: Operation, call: Call, who: Who, at: At = 'home'): Outcome {
  if (who === 'anonymous') return { kind: 'signIn' };
  // The admin door knows sessions only: a key there is no credential at all.
  if ((who === 'key' || who === 'boundKey') && call.door === 'admin') return { kind: 'signIn' };
  const bound = BOUND.includes(who);
  const role: Role = who === 'otherTenant' ? (call.door === 'api' ? 'key' : 'owner') : who === 'boundKey' ? 'key' : who === 'limitedStaff' ? 'staff' : who;
  if (!allows(role, op, bound)) return { kind: 'forbidden', role, bound };
  if (bound && at === 'away') {
    if ((call.site === 'body' || call.site === 'resource') && AT_A_LOCATION.includes(op)) return { kind: 'mismatch' };
    if (call.site === 'list' && SITE_SCOPED_READS.includes(op)) return { kind: 'ownSiteOnly' };
  }
  if (who !== 'otherTenant') return { kind: 'allowed' };
  return call.scope === 'resource' ? { kind: 'notFound' } : { kind: 'ownTenant' };
}

function outcomeLabel(o: Outcome, call: Call): string {
  switch (o.kind) {
    case 'allowed': return `${call.ok}`;
    case 'forbidden': return '403 forbidden, nothing changed';
    case 'mismatch': return '403 location_mismatch, nothing changed';
    case 'ownSiteOnly': return `${call.ok} without the other site's rows`;
    case 'notFound': return call.door === 'admin' && call.inlineMiss ? 'the answer for a code nobody has, nothing changed' : '404, nothing changed';
    case 'ownTenant': return `${call.ok} on its own tenant, none of A's rows, A untouched`;
    case 'signIn': return call.door === 'api' ? '401 unauthorized, nothing changed'
      : call.method === 'GET' ? 'sent to sign in (303, or 401 + HX-Redirect)' : '401, nothing changed';
  }
}

/** The refusal authorize() words for this role (bound to a site or not) and operation: the policy's own text. */
function denial(role: Role, op: Operation, bound = false): string {
  try {
    authorize({ role, boundLocationId: bound ? SITE.home : null } as Caller, op);
  } catch (err) {
    if (err instanceof ApiError) return err.detail;
    throw err;
  }
  throw new Error(`${role} may ${op}`);
}

// Sending a call as a given caller ----------------------------------------------------------------------

type Answer = { status: number; headers: Headers; text: string; json: any };

async function viaApi(client: Api, call: ApiCall, fx: Fixture): Promise<Answer> {
  const r = await client.call(call.method, call.path(fx), call.method === 'GET' ? undefined : (call.body?.(fx) ?? {}), call.headers?.(fx));
  return { status: r.status, headers: r.headers, json: r.body, text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) };
}

type Credentials = { session: AdminClient } | { bearer: string } | null;

/** A page request as the browser sends it, with whichever credentials (or none) the caller has. */
async function viaPage(slug: string, creds: Credentials, call: PageCall, fx: Fixture, htmx = call.method === 'POST' || !!call.htmx): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (creds && 'session' in creds) Object.assign(headers, { cookie: creds.session.cookie, 'x-csrf-token': creds.session.csrf });
  if (creds && 'bearer' in creds) headers.authorization = `Bearer ${creds.bearer}`;
  if (htmx) headers['hx-request'] = 'true';
  let body: URLSearchParams | undefined;
  if (call.method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(call.form?.(fx) ?? {});
  }
  const res = await t.app.request(`/${slug}/admin${call.path(fx)}`, { method: call.method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: null };
}

const API_CLIENTS: Record<Who, Api> = {
  key: t.a, owner: ownerA.api(), staff: staffA.api(), boundKey: client(t.app, boundKeyA.apiKey), limitedStaff: limitedStaffA.api(),
  otherTenant: t.b, anonymous: t.anon,
};
const SESSIONS: Partial<Record<Who, AdminClient>> = { owner: ownerA, staff: staffA, limitedStaff: limitedStaffA, otherTenant: ownerB };

/** A's events after `before`, by the site each was recorded at. */
async function sitesOfEventsAfter(before: number) {
  const rows = await t.sql`select distinct location_id from events where tenant_id = ${t.tenantA.id} and id > ${before}`;
  return rows.map((r) => r.location_id as string | null);
}

/** Identifiers of A's rows in this fixture, none of which another tenant may ever see. */
function markersOfA(fx: Fixture, needs: readonly Need[], call: Call): string[] {
  const markers = ['Alpha Diner'];
  if (needs.includes('customer')) markers.push(fx.customer.id, fx.customer.name);
  if (needs.includes('order')) markers.push(fx.order.id);
  if (needs.includes('card')) markers.push(fx.card.code);
  if (needs.includes('item')) markers.push(fx.itemId);
  if (needs.includes('key')) markers.push(fx.keyId);
  if (needs.includes('staff')) markers.push(fx.staffId);
  if (call.shows) markers.push(call.shows(fx));
  return markers;
}

function expectProblem(a: Answer, status: number, code: string) {
  expect({ status: a.status, code: a.json?.code }).toEqual({ status, code });
  expect(a.headers.get('content-type')).toContain('application/problem+json');
}

// The matrix --------------------------------------------------------------------------------------------

async function cell(op: Operation, call: Call, who: Who, at: At = 'home') {
  const probe = PROBES[op];
  const expected = outcome(op, call, who, at);
  const bound = BOUND.includes(who);
  const fx = await fixture(probe.needs, bound ? at : null);
  // A bound caller's probe at the other site names it in the body, where the call takes one.
  if (bound && at === 'away' && call.site === 'body' && call.door === 'api') {
    const body = call.body;
    call = { ...call, body: (f) => ({ ...(body?.(f) as object ?? {}), locationId: SITE.away }) };
  }
  const before = await stateOfA();
  const eventsBefore = await lastEventId(t.sql, t.tenantA.id);

  if (expected.kind === 'signIn') {
    if (call.door === 'api') {
      expectProblem(await viaApi(API_CLIENTS.anonymous, call, fx), 401, 'unauthorized');
    } else {
      const creds: Credentials = who === 'key' ? { bearer: t.keyA } : who === 'boundKey' ? { bearer: boundKeyA.apiKey } : null;
      const plain = await viaPage('alpha', creds, call, fx, false);
      const htmx = await viaPage('alpha', creds, call, fx, true);
      if (call.method === 'GET') {
        expect({ status: plain.status, location: plain.headers.get('location') }).toEqual({ status: 303, location: '/alpha/admin/login' });
      } else {
        expect(plain.status).toBe(401);
      }
      expect({ status: htmx.status, redirect: htmx.headers.get('hx-redirect') }).toEqual({ status: 401, redirect: '/alpha/admin/login' });
    }
    expect(await stateOfA()).toEqual(before);
    return;
  }

  if (call.door === 'api') {
    const a = await viaApi(API_CLIENTS[who], call, fx);
    switch (expected.kind) {
      case 'allowed':
        expect(a.status).toBe(call.ok);
        if (call.shows) expect(a.text).toContain(call.shows(fx));
        break;
      case 'forbidden':
        expectProblem(a, 403, 'forbidden');
        expect(a.json.detail).toBe(denial(expected.role, op, expected.bound));
        break;
      case 'mismatch':
        expectProblem(a, 403, 'location_mismatch');
        break;
      case 'ownSiteOnly':
        expect(a.status).toBe(call.ok);
        expect(a.text).not.toContain(fx.order.id);
        break;
      case 'notFound':
        expectProblem(a, 404, 'not_found');
        break;
      case 'ownTenant':
        expect(a.status).toBe(call.ok);
        for (const m of markersOfA(fx, probe.needs, call)) expect(a.text).not.toContain(m);
        break;
    }
  } else {
    const creds: Credentials = { session: SESSIONS[who]! };
    const slug = who === 'otherTenant' ? 'bravo' : 'alpha';
    if (who === 'otherTenant') {
      // B's session on A's pages: those pages do not exist for it.
      expect((await viaPage('alpha', creds, call, fx)).status).toBe(404);
      expect(await stateOfA()).toEqual(before);
    }
    const a = await viaPage(slug, creds, call, fx);
    switch (expected.kind) {
      case 'allowed':
        expect(a.status).toBe(call.ok);
        if (call.shows) expect(a.text).toContain(call.shows(fx));
        break;
      case 'forbidden':
        expect(a.status).toBe(403);
        expect(a.text).toContain(escapeHtml(denial(expected.role, op, expected.bound)));
        break;
      case 'mismatch':
        expect(a.status).toBe(403);
        expect(a.text).toContain('bound to another location');
        break;
      case 'ownSiteOnly':
        expect(a.status).toBe(call.ok);
        expect(a.text).not.toContain(fx.order.id);
        break;
      case 'notFound':
        if (call.inlineMiss) {
          const miss = await viaPage(slug, creds, call, call.inlineMiss(fx));
          expect({ status: a.status, text: a.text.replaceAll(fx.card.code, UNKNOWN_CODE) }).toEqual({ status: miss.status, text: miss.text });
          for (const m of markersOfA(fx, probe.needs, call)) expect(a.text).not.toContain(m);
        } else {
          expect(a.status).toBe(404);
        }
        break;
      case 'ownTenant':
        expect(a.status).toBe(call.ok);
        for (const m of markersOfA(fx, probe.needs, call)) expect(a.text).not.toContain(m);
        break;
    }
  }

  const after = await stateOfA();
  // A write that is allowed changes tenant A; everything else leaves every row of A as it was.
  if (expected.kind === 'allowed' && call.method !== 'GET') expect(after).not.toEqual(before);
  else expect(after).toEqual(before);
  // Whatever a bound caller is allowed to write happens at its own site.
  if (bound && expected.kind === 'allowed' && call.method !== 'GET') expect(await sitesOfEventsAfter(eventsBefore)).toEqual([SITE.home]);
}

describe('the authorization table', () => {
  test('every operation in OPERATIONS has a probe, and every probe is an operation', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...OPERATIONS].sort());
    expect(OPERATIONS.filter((op) => PROBES[op] === undefined || PROBES[op].calls.length === 0)).toEqual([]);
  });

  test('each door is probed, or the probe says why the operation has no such door', () => {
    for (const op of OPERATIONS) {
      const probe = PROBES[op];
      for (const door of ['api', 'admin'] as const) {
        const has = probe.calls.some((c) => c.door === door);
        expect({ op, door, has, why: probe.noDoor?.[door] !== undefined }).toEqual({ op, door, has, why: !has });
      }
    }
  });
});

for (const op of OPERATIONS) {
  describe(`${op} (allowed: ${POLICY[op].join(', ')})`, () => {
    for (const call of PROBES[op]?.calls ?? []) {
      const name = `${call.door} ${call.method} ${call.path(PLACEHOLDERS)}`;
      for (const who of CALLERS) {
        // A key is no credential at the admin door wherever it is bound: one probe says so.
        if (BOUND.includes(who) && call.site && !(who === 'boundKey' && call.door === 'admin')) {
          for (const at of ['home', 'away'] as const) {
            const where = at === 'home' ? 'its own site' : 'another site';
            test(`${name} · ${WHO[call.door][who]}, at ${where} → ${outcomeLabel(outcome(op, call, who, at), call)}`, () => cell(op, call, who, at));
          }
          continue;
        }
        const expected = outcome(op, call, who);
        test(`${name} · ${WHO[call.door][who]} → ${outcomeLabel(expected, call)}`, () => cell(op, call, who));
      }
    }
  });
}
