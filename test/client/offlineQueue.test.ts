import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../src/client/client.ts';
import { OfflineQueue, type Applied } from '../../src/client/offlineQueue.ts';
import { jsonFileQueueStore, memoryQueueStore, type Conflict, type QueueStore } from '../../src/client/queueStore.ts';
import { writes, type AnyWrite } from '../../src/client/writes.ts';
import { testApp } from '../support/app.ts';
import { enrol, expectInvariants, issueCard } from '../support/fixtures.ts';
import { flakyNetwork } from '../support/network.ts';
import { serve, until } from '../support/stream.ts';

const t = await testApp();
const base = serve(t.app);
const dir = await mkdtemp(join(tmpdir(), 'tillstream-queue-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function till(store: QueueStore = memoryQueueStore()) {
  const net = flakyNetwork();
  const applied: Applied[] = [];
  const conflicts: Conflict[] = [];
  const client = createClient({ baseUrl: base, apiKey: t.keyA, fetch: net.fetch });
  const open = (s = store) => new OfflineQueue({ client, store: s, retryMs: 30, maxRetryMs: 200,
    onApplied: (a) => applied.push(a), onConflict: (c) => conflicts.push(c) });
  return { net, applied, conflicts, client, open };
}

const count = async (table: 'ledger' | 'orders' | 'gift_card_activity' | 'idempotency_keys') =>
  (await t.sql`select count(*)::int as n from ${t.sql(table)}`)[0].n as number;

describe('the offline queue', () => {
  test('a till offline for 50 sales replays them in order once it is back, while another till spent the same points meanwhile: each applies exactly once or is a conflict', async () => {
    const regular = await enrol(t.a, '+447306650001', 300, 'Regular');
    const card = await issueCard(t.a, 5000);
    const other = createClient({ baseUrl: base, apiKey: t.keyA });
    const path = join(dir, 'till-1.json');
    const a = till();
    let queue = a.open(jsonFileQueueStore(path));
    const before = { ledger: await count('ledger'), orders: await count('orders'), activity: await count('gift_card_activity') };

    a.net.set('down');
    const made: AnyWrite[] = [];
    for (let i = 0; i < 50; i++) {
      const w: AnyWrite = i % 5 === 0 ? writes.addPoints(regular.id, { points: 1, reason: 'stamp' })
        : i % 5 === 1 ? writes.earn({ phone: `+4473066510${String(i).padStart(2, '0')}`, orderTotalCents: 1200 })
        : i % 5 === 2 ? writes.redeemGiftCard(card.code, { amountCents: 600 })
        : i % 5 === 3 ? writes.checkout({ source: 'pos', orderType: 'dine_in', customer: { phone: '+447306650001' }, items: [{ name: 'Tea', quantity: 1, unitPriceCents: 250 }] })
        : writes.redeemPoints(regular.id, { points: 40, reason: `table ${i}` });
      made.push(w);
      expect(await queue.submit(w)).toEqual({ status: 'queued', seq: i + 1 });
      // Half-way the till restarts: the queue comes back from its file, keys and all.
      if (i === 24) { queue.stop(); queue = a.open(jsonFileQueueStore(path)); }
    }
    expect((await jsonFileQueueStore(path).load()).pending.map((p) => p.write)).toEqual(made);

    // Meanwhile another till, online, spends most of the same points and most of the card.
    expect((await other.send(writes.redeemPoints(regular.id, { points: 280 }))).kind).toBe('ok');
    expect((await other.send(writes.redeemGiftCard(card.code, { amountCents: 2500 }))).kind).toBe('ok');

    // The way back is rough (the first write is a stamp, which the server stores, so its lost answer comes back replayed): 503s, then answers lost after the server did the work, then a clean line.
    a.net.set('unavailable');
    await Bun.sleep(100);
    a.net.set('lose-answers');
    await until(() => a.net.stats.answersLost >= 3, 'a few answers lost on the way back');
    a.net.set('up');
    await queue.flush();
    await queue.idle(20_000);

    const settled = [...a.applied.map((x) => x.seq), ...a.conflicts.map((c) => c.seq)].sort((x, y) => x - y);
    expect(settled).toEqual(made.map((_, i) => i + 1));
    expect(await queue.pending()).toEqual([]);
    // Applied in the order made (conflicts interleave where they fell).
    expect(a.applied.map((x) => x.seq)).toEqual([...a.applied.map((x) => x.seq)].sort((x, y) => x - y));
    // A lost answer came back as the stored one the second time, not as a second sale.
    expect(a.applied.some((x) => x.replayed)).toBe(true);

    // Conflicts are the writes the world overtook, with the reason, and they survive a restart until acknowledged.
    expect(a.conflicts.length).toBeGreaterThan(0);
    for (const c of a.conflicts) {
      expect([['redeemPoints', 'insufficient_points'], ['redeemGiftCard', 'insufficient_funds']])
        .toContainEqual([c.write.op, c.problem.code]);
      expect(c.status).toBe(409);
    }
    expect((await jsonFileQueueStore(path).load()).conflicts).toEqual(a.conflicts);
    await queue.acknowledge(a.conflicts[0].seq);
    expect((await a.open(jsonFileQueueStore(path)).conflicts()).length).toBe(a.conflicts.length - 1);

    // Exactly once: every applied write left exactly its own rows, and nothing else was written.
    const ops = (op: AnyWrite['op']) => a.applied.filter((x) => x.write.op === op);
    const ledgerIds = [...ops('redeemPoints'), ...ops('addPoints'), ...ops('earn')].map((x) => (x.value as { transaction: { id: string } }).transaction.id);
    expect(new Set(ledgerIds).size).toBe(ledgerIds.length);
    expect((await t.sql`select count(*)::int as n from ledger where id = any(${ledgerIds}::uuid[])`)[0].n).toBe(ledgerIds.length);
    // each checkout earns on its tea (one ledger row); the other till wrote one redemption
    expect(await count('ledger')).toBe(before.ledger + ledgerIds.length + ops('checkout').length + 1);
    expect(await count('orders')).toBe(before.orders + ops('checkout').length);
    expect(await count('gift_card_activity')).toBe(before.activity + ops('redeemGiftCard').length + 1);
    const keys = a.applied.map((x) => x.write.idempotencyKey);
    expect((await t.sql`select count(*)::int as n from idempotency_keys where key = any(${keys})`)[0].n).toBe(keys.length);
    const [c] = await t.sql`select points_balance from customers where id = ${regular.id}`;
    expect(c.points_balance).toBeGreaterThanOrEqual(0);
    await expectInvariants(t.sql);
  }, 60_000);

  test('online, a write answers at once: applied, or refused to the till itself (not a conflict)', async () => {
    const guest = await enrol(t.a, '+447306660001', 10);
    const a = till();
    const queue = a.open();
    const ok = await queue.submit(writes.redeemPoints(guest.id, { points: 5 }));
    expect(ok.status === 'applied' && ok.value.customer.pointsBalance).toBe(5);
    const no = await queue.submit(writes.redeemPoints(guest.id, { points: 50 }));
    expect(no.status === 'refused' && no.problem.code).toBe('insufficient_points');
    expect(await queue.conflicts()).toEqual([]);
    expect(await queue.pending()).toEqual([]);
  });

  test('a 503 with Retry-After queues the write and the queue waits as told before replaying it once', async () => {
    const a = till();
    const queue = a.open();
    a.net.set('unavailable');
    const w = writes.earn({ phone: '+447306670001', orderTotalCents: 900 });
    expect((await queue.submit(w)).status).toBe('queued');
    expect(queue.online).toBe(false);
    a.net.set('up');
    await until(() => a.applied.length === 1, 'the replay after Retry-After', 5_000);
    expect(a.applied[0].write).toEqual(w);
    const rows = await t.sql`select count(*)::int as n from ledger l join customers c on c.id = l.customer_id where c.phone = '+447306670001'`;
    expect(rows[0].n).toBe(1);
  });
});
