// The till shown in README.md ("A till with the client"), kept here so `tsc` checks it against the client and the
// generated types: a change that breaks the README's example fails the typecheck. Not run by the tests.
import { createClient } from '../../src/client/client.ts';
import { fileCursor } from '../../src/client/cursorStore.ts';
import { OfflineQueue } from '../../src/client/offlineQueue.ts';
import { jsonFileQueueStore } from '../../src/client/queueStore.ts';
import { subscribe } from '../../src/client/subscriber.ts';
import { writes } from '../../src/client/writes.ts';

const BASE = 'http://127.0.0.1:3000', KEY = process.argv[2] ?? '';
const api = createClient({ baseUrl: BASE, apiKey: KEY });
const show = (line: string) => console.log(line);          // the till's screen

// Writes: stored before they are sent, replayed in order after an outage, each applied exactly once.
const queue = new OfflineQueue({
  client: api, store: jsonFileQueueStore('./till/queue.json'),
  onOnline: (up) => show(up ? 'back online' : 'offline: sales are queued'),
  onApplied: (a) => show(`synced ${a.write.op}`),
  onConflict: (c) => show(`NEEDS A PERSON: ${c.write.op} refused after sync: ${c.problem.detail}`),
});
for (const c of await queue.conflicts()) show(`unresolved: ${c.problem.detail}`);   // survive restarts

// Events: resumed from the saved cursor, each applied once, in order.
subscribe({
  baseUrl: BASE, apiKey: KEY, cursor: fileCursor('./till/cursor'), types: ['loyalty_updated', 'new_order'],
  onEvent: (e) => { if (e.type === 'loyalty_updated') show(`${e.data.customerPhone}: ${e.data.newBalance} points`); },
  onReset: async () => show('reloading balances'),             // too far behind: refetch what the screen shows
});

// A sale: earn on the order total, then spend 50 points if the guest asks.
const sale = await queue.submit(writes.earn({ phone: '07306 506797', orderTotalCents: 2450 }));
if (sale.status === 'applied') show(`earned ${sale.value.pointsEarned}, balance ${sale.value.customer.pointsBalance}`);
if (sale.status === 'applied' && sale.value.customer.pointsBalance >= 50) {
  const spend = await queue.submit(writes.redeemPoints(sale.value.customer.id, { points: 50 }));
  show(spend.status === 'refused' ? spend.problem.detail : spend.status === 'queued' ? 'redemption queued' : 'redeemed');
}
