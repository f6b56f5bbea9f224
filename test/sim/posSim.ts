import { createApiKey } from '../../src/identity/apiKeys.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import type { Sql } from '../../src/platform/database.ts';
import { everyEventSeen, exactlyOnce, invariantsHold } from './checks.ts';
import { rng, simTerminal, type Shared, type SimTerminal } from './terminal.ts';

// `bun run pos-sim` (test/sim/main.ts) and test/sim/posSim.test.ts run this: N tills on one tenant of
// its own, selling for a bounded time and count while their networks fail at random, then the checks.

export type SimOptions = {
  baseUrl: string;
  sql: Sql;
  terminals: number;
  seconds: number;
  maxWritesPerTerminal: number;
  seed: number;
  log?: (m: string) => void;
};

export type SimReport = {
  tenant: string;
  seed: number;
  terminals: number;
  seconds: number;
  writes: { submitted: number; acknowledged: number; queued: number; refused: number; conflicts: number };
  lookups: number;
  outages: number;
  streamDrops: number;
  answersLost: number;
  events: number;
  breaches: string[];
};

export async function runPosSim(o: SimOptions): Promise<SimReport> {
  const log = o.log ?? (() => {});
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(o.baseUrl.replace(/\/$/, ''))) {
    throw new Error(`pos-sim runs against 127.0.0.1 only, not ${o.baseUrl}`);
  }
  const slug = `sim-${Date.now().toString(36)}`;
  const { tenant } = await createTenant(o.sql, { slug, name: 'POS simulator' });
  const random = rng(o.seed);
  const shared: Shared = { phones: Array.from({ length: 12 }, (_, i) => `+4473068${String(10000 + i * 37).padStart(5, '0')}`), customerIds: new Map() };
  const terms: SimTerminal[] = [];
  for (let n = 1; n <= o.terminals; n++) {
    const key = await createApiKey(o.sql, tenant.id, `sim till ${n}`);
    terms.push(simTerminal(n, { baseUrl: o.baseUrl, apiKey: key.apiKey, random: rng(Math.floor(random() * 2 ** 32)), shared, log }));
  }
  log(`pos-sim: tenant ${slug}, ${o.terminals} terminals, ${o.seconds} s or ${o.maxWritesPerTerminal} writes each, seed ${o.seed}`);
  const deadline = Date.now() + o.seconds * 1000;
  await Promise.all(terms.map((t) => t.run(deadline, o.maxWritesPerTerminal)));

  log('pos-sim: back online, replaying queues and catching up streams');
  const newest = async () => (await o.sql`select coalesce(max(id), 0)::int as id from events where tenant_id = ${tenant.id}`)[0].id as number;
  await Promise.all(terms.map((t) => t.drain(30_000)));
  const last = await newest();
  await Promise.all(terms.map((t) => t.catchUp(last, 30_000)));

  const breaches: string[] = [];
  for (const t of terms) {
    const left = await t.queue.pending();
    if (left.length) breaches.push(`terminal ${t.n} still has ${left.length} queued writes after 30 s online`);
  }
  const acks = terms.flatMap((t) => t.acks);
  breaches.push(...(await exactlyOnce(o.sql, tenant.id, acks)));
  breaches.push(...(await everyEventSeen(o.sql, tenant.id, terms)));
  breaches.push(...(await invariantsHold(o.sql, tenant.id)));
  const sum = (f: (t: SimTerminal) => number) => terms.reduce((s, t) => s + f(t), 0);
  return {
    tenant: slug, seed: o.seed, terminals: o.terminals, seconds: o.seconds,
    writes: {
      submitted: sum((t) => t.stats.submitted), acknowledged: acks.length, queued: sum((t) => t.stats.queued),
      refused: sum((t) => t.stats.refused), conflicts: sum((t) => t.stats.conflicts),
    },
    lookups: sum((t) => t.stats.lookups),
    outages: sum((t) => t.stats.outages),
    streamDrops: sum((t) => t.stats.drops),
    answersLost: sum((t) => t.net.stats.answersLost),
    events: await newest(),
    breaches,
  };
}

export function summary(r: SimReport): string {
  return [
    `pos-sim ${r.breaches.length ? 'FAILED' : 'passed'}: ${r.terminals} terminals, ${r.seconds} s, seed ${r.seed}, tenant ${r.tenant}`,
    `  writes: ${r.writes.submitted} submitted, ${r.writes.acknowledged} acknowledged (${r.writes.queued} were queued offline first), ` +
      `${r.writes.refused} refused online, ${r.writes.conflicts} conflicts after replay`,
    `  lookups: ${r.lookups}; outages: ${r.outages}; stream drops: ${r.streamDrops}; answers lost after the work: ${r.answersLost}`,
    `  events: ${r.events}, each seen by every terminal exactly once: ${r.breaches.some((b) => b.startsWith('terminal')) ? 'no' : 'yes'}`,
    ...(r.breaches.length ? ['  breaches:', ...r.breaches.map((b) => `  - ${b}`)] : ['  every acknowledged write applied exactly once; invariant views empty']),
  ].join('\n');
}
