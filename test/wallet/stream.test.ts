import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, issueCard } from '../support/fixtures.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// The guest's live stream, over a real server: only its own customer's events, minimised, resumable,
// capped per link, rate-limited per token, and closed when the link dies.

const t = await testApp({ WALLET_REQUESTS_PER_MINUTE: 20, KEY_SWEEP_MS: 200 });
const base = serve(t.app);
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = (await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password')).api();
let phones = 0;
const phone = () => `+4473068${String(++phones).padStart(5, '0')}`;

async function walletOf(customerId: string) {
  const r = await t.a.post(`/api/v1/customers/${customerId}/wallet-link`);
  expect(r.status).toBe(201);
  return r.body.url as string;
}
const open = (url: string, lastEventId?: string) =>
  rawStream(`${base}${url}/stream`, lastEventId ? { 'last-event-id': lastEventId } : {});
const cursor = async () => (await t.sql`select event_seq::int as s from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].s as number;
const add = (id: string, points: number) => t.a.post(`/api/v1/customers/${id}/points/add`, { points });
const framesOf = (s: Awaited<ReturnType<typeof open>>) => s.events().map((f) => ({ id: Number(f.id), event: f.event!, data: JSON.parse(f.data!) }));

describe('a guest stream', () => {
  test('never carries another customer\'s event: 50 customers written to at once, then again after every stream reconnects by id', async () => {
    const customers: { id: string }[] = [];
    for (let i = 0; i < 50; i++) customers.push(await enrol(t.a, phone(), 0, `Guest ${i}`));
    const urls = await Promise.all(customers.map((c) => walletOf(c.id)));
    const from = String(await cursor());
    let streams = await Promise.all(urls.map((u) => open(u, from)));
    expect(streams.every((s) => s.res.status === 200)).toBe(true);

    // Three adds per customer, all 150 at once, plus noise the guests must not see: a new customer, a card sold to nobody.
    await Promise.all([...customers.flatMap((c, i) => [add(c.id, 1 + i), add(c.id, 100), add(c.id, 1000)]),
      enrol(t.a, phone(), 5, 'Someone Else'), issueCard(t.a, 1000)]);
    await until(() => streams.every((s) => s.events().length >= 3), 'every guest saw its three changes', 20_000);

    const ledger = await t.sql`select id, customer_id from ledger where tenant_id = ${t.tenantA.id}`;
    const owner = new Map(ledger.map((r) => [r.id as string, r.customer_id as string]));
    const check = (all: ReturnType<typeof framesOf>[], expectedBalance: (i: number) => number, perStream: number) => {
      all.forEach((frames, i) => {
        expect(frames.length).toBe(perStream);
        for (const f of frames) {
          expect(f.event).toBe('loyalty_updated');
          expect(owner.get(f.data.id)).toBe(customers[i].id);
          // Minimised: the change, never who (no name, phone, customer or order id).
          expect(Object.keys(f.data).sort()).toEqual(['at', 'balance', 'change', 'id', 'kind', 'locationId', 'reward', 'type']);
        }
        expect(frames.at(-1)!.data.balance).toBe(expectedBalance(i));
      });
    };
    check(streams.map(framesOf), (i) => 1101 + i, 3);

    // Every stream drops; more writes land while they are away; each resumes from the last id it saw.
    const lastSeen = streams.map((s) => s.events().at(-1)!.id!);
    for (const s of streams) s.abort();
    await Promise.all(customers.flatMap((c) => [add(c.id, 7), add(c.id, 3)]));
    streams = await Promise.all(urls.map((u, i) => open(u, lastSeen[i])));
    await Promise.all(customers.map((c, i) => (i % 2 === 0 ? add(c.id, 10) : Promise.resolve(null))));
    await until(() => streams.every((s, i) => s.events().length >= (i % 2 === 0 ? 3 : 2)), 'every guest caught up', 20_000);
    await Bun.sleep(200);
    const after = streams.map(framesOf);
    after.forEach((frames, i) => expect(frames.length).toBe(i % 2 === 0 ? 3 : 2));
    const ledger2 = new Map((await t.sql`select id, customer_id from ledger where tenant_id = ${t.tenantA.id}`).map((r) => [r.id as string, r.customer_id as string]));
    after.forEach((frames, i) => {
      for (const f of frames) expect(ledger2.get(f.data.id)).toBe(customers[i].id);
      expect(frames.at(-1)!.data.balance).toBe(1111 + i + (i % 2 === 0 ? 10 : 0));
    });
    for (const s of streams) s.abort();
  }, 60_000);

  test("carries the customer's gift cards (bought, redeemed), masked, and not a card bought by anyone else", async () => {
    const c = await enrol(t.a, phone(), 0);
    const other = await enrol(t.a, phone(), 0);
    const s = await open(await walletOf(c.id), String(await cursor()));
    const mine = await issueCard(t.a, 2000, { customerId: c.id });
    const theirs = await issueCard(t.a, 3000, { customerId: other.id });
    expect((await t.a.post(`/api/v1/gift-cards/${theirs.code}/redeem`, { amountCents: 100 })).status).toBe(200);
    expect((await t.a.post(`/api/v1/gift-cards/${mine.code}/redeem`, { amountCents: 500 })).status).toBe(200);
    await until(() => s.events().length >= 2, 'both changes of my card');
    await Bun.sleep(200);
    const frames = framesOf(s);
    expect(frames.map((f) => [f.event, f.data.id, f.data.balanceCents])).toEqual([
      ['gift_card_purchased', mine.id, 2000], ['gift_card_redeemed', mine.id, 1500],
    ]);
    expect(JSON.stringify(frames)).not.toContain(mine.code);
    expect(frames[0].data.maskedCode).toEndWith(mine.code.slice(-4));
    s.abort();
  });

  test('at most 5 open streams per link: the sixth is 429 with Retry-After, and a slot frees when one closes', async () => {
    const c = await enrol(t.a, phone(), 0);
    const url = await walletOf(c.id);
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => open(url)));
    expect(five.map((s) => s.res.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await fetch(`${base}${url}/stream`);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    const [key] = await t.sql`select 'wallet:' || id as k from wallet_links where customer_id = ${c.id}`;
    expect(t.hub.streamsFor(key.k)).toBe(5);
    five[0].abort();
    await until(() => t.hub.streamsFor(key.k) === 4, 'the closed stream left its slot');
    const again = await open(url);
    expect(again.res.status).toBe(200);
    for (const s of [...five, again]) s.abort();
  });

  test('a token used more than 20 times a minute gets 429 with Retry-After, live or made up alike', async () => {
    const c = await enrol(t.a, phone(), 0);
    const url = await walletOf(c.id);
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${base}${url}`)).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const over = await fetch(`${base}${url}/stream`);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const fake = '/w/' + 'x'.repeat(43);
    const fakes = [];
    for (let i = 0; i < 21; i++) fakes.push((await fetch(`${base}${fake}`)).status);
    expect(fakes.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(fakes[20]).toBe(429);
  });

  test('revoking closes the open streams at once; erasing the customer tells the page and the sweep closes the stream', async () => {
    const c = await enrol(t.a, phone(), 0);
    const s = await open(await walletOf(c.id));
    expect(s.res.status).toBe(200);
    expect((await t.a.call('DELETE', `/api/v1/customers/${c.id}/wallet-link`)).body).toEqual({ revoked: 1 });
    await until(() => s.ended, 'the revoked link\'s stream ended');

    const d = await enrol(t.a, phone(), 9);
    const e = await open(await walletOf(d.id));
    expect((await owner.post(`/api/v1/customers/${d.id}/erase`)).status).toBe(200);
    await until(() => e.events().some((f) => f.event === 'customer_erased'), 'the page is told it is closed');
    expect(JSON.parse(e.events().find((f) => f.event === 'customer_erased')!.data!)).toEqual({ kind: 'closed' });
    await until(() => e.ended, 'the sweep closed the erased customer\'s stream');
  });
});
