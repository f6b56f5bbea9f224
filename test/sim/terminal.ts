import { createClient } from '../../src/client/client.ts';
import { memoryCursor } from '../../src/client/cursorStore.ts';
import { OfflineQueue } from '../../src/client/offlineQueue.ts';
import { memoryQueueStore } from '../../src/client/queueStore.ts';
import { subscribe, type Envelope } from '../../src/client/subscriber.ts';
import { writes, type AnyWrite } from '../../src/client/writes.ts';
import { flakyNetwork, type NetworkMode } from '../support/network.ts';

// One simulated till: it sells through the offline queue, reads its event stream, and now and then
// loses its network (a pulled cable, a 503 storm, answers lost after the server did the work).

export type Ack = { terminal: number; write: AnyWrite; value: any };
export type Rng = () => number;

/** A small seeded generator (mulberry32), so a failing run can be repeated with --seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What every till knows: the regulars' phones, and the customer ids found for them. */
export type Shared = { phones: string[]; customerIds: Map<string, string> };

export function simTerminal(n: number, opts: { baseUrl: string; apiKey: string; random: Rng; shared: Shared; log: (m: string) => void }) {
  const { random, shared } = opts;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const net = flakyNetwork();
  const client = createClient({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, fetch: net.fetch, timeoutMs: 5_000 });
  const acks: Ack[] = [];
  const stats = { submitted: 0, queued: 0, refused: 0, conflicts: 0, lookups: 0, outages: 0, drops: 0, resets: 0 };
  const cards: { code: string }[] = [];
  const orders: string[] = [];
  const remember = (write: AnyWrite, value: any) => {
    acks.push({ terminal: n, write, value });
    if (write.op === 'issueGiftCard') cards.push({ code: value.code });
    if (write.op === 'checkout') orders.push(value.id);
    const c = value.customer;
    if (c?.phone) shared.customerIds.set(c.phone, c.id);
  };
  const queue = new OfflineQueue({
    client, store: memoryQueueStore(), retryMs: 100, maxRetryMs: 1_000,
    onApplied: (a) => remember(a.write, a.value),
    onConflict: () => { stats.conflicts++; },
  });
  const seen: Envelope[] = [];
  const sub = subscribe({
    baseUrl: opts.baseUrl, apiKey: opts.apiKey, cursor: memoryCursor('0'), fetch: net.fetch, retryMs: 100, maxRetryMs: 1_000,
    onEvent: (e) => { seen.push(e); },
    onReset: (r) => { stats.resets++; opts.log(`terminal ${n}: reset ${JSON.stringify(r)}`); },
  });

  function nextWrite(): AnyWrite | 'lookup' {
    const r = random();
    const phone = pick(shared.phones);
    const known = shared.customerIds.get(phone);
    if (r < 0.15) return 'lookup';
    if (r < 0.4 || !known) return writes.earn({ phone, orderTotalCents: 500 + Math.floor(random() * 3000) });
    if (r < 0.55) return writes.redeemPoints(known, { points: 1 + Math.floor(random() * 15), reason: 'sim' });
    if (r < 0.75) {
      const subtotal = 800 + Math.floor(random() * 2000);
      return writes.checkout({
        source: 'pos', orderType: pick(['dine_in', 'collection'] as const), customer: { phone },
        items: [{ name: 'Plate', quantity: 1, unitPriceCents: subtotal }],
        ...(random() < 0.3 ? { redeemPoints: 1 + Math.floor(random() * 5) } : {}),
      });
    }
    if (r < 0.85 && orders.length) return writes.setOrderStatus(pick(orders), { status: pick(['preparing', 'ready', 'completed'] as const) });
    if (r < 0.93 || !cards.length) return writes.issueGiftCard({ amountCents: 1000 + Math.floor(random() * 4000), purchasedBy: `Sim till ${n}` });
    return writes.redeemGiftCard(pick(cards).code, { amountCents: 100 + Math.floor(random() * 900) });
  }

  async function outage() {
    const mode: NetworkMode = pick(['down', 'down', 'down', 'unavailable', 'lose-answers']);
    stats.outages++;
    net.set(mode);
    setTimeout(() => { net.set('up'); void queue.flush(); }, 200 + random() * 1_300);
  }

  return {
    n, net, queue, sub, seen, acks, stats,
    async run(deadline: number, maxWrites: number) {
      await sub.opened;
      while (Date.now() < deadline && stats.submitted < maxWrites) {
        if (net.mode === 'up' && random() < 0.03) await outage();
        if (net.mode === 'up' && random() < 0.02) { stats.drops++; sub.drop(); }
        const next = nextWrite();
        if (next === 'lookup') {
          stats.lookups++;
          const found = await client.lookup(pick(shared.phones));
          if (found.kind === 'ok' && found.value.phone) shared.customerIds.set(found.value.phone, found.value.id);
        } else {
          stats.submitted++;
          const result = await queue.submit(next);
          if (result.status === 'applied') remember(next, result.value);
          else if (result.status === 'refused') stats.refused++;
          else stats.queued++;
        }
        await Bun.sleep(10 + random() * 40);
      }
    },
    /** Back online for good: replay what is queued. */
    async drain(ms: number) {
      net.set('up');
      await queue.flush();
      await queue.idle(ms);
      queue.stop();
    },
    /** Read the stream up to `newest` (once every till has drained, so nothing new is coming), then hang up. */
    async catchUp(newest: number, ms: number) {
      const end = Date.now() + ms;
      while (Date.now() < end && Number(sub.lastEventId() ?? 0) < newest) await Bun.sleep(50);
      await sub.close();
    },
  };
}
export type SimTerminal = ReturnType<typeof simTerminal>;
