import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';
import { until } from '../support/stream.ts';
import { blackholeProxy } from '../support/blackholeProxy.ts';
import { Hub } from '../../src/realtime/hub.ts';
import { Listener } from '../../src/realtime/listener.ts';

// Only the listener knows it is down. Two "instances" whose LISTEN connections go through a proxy that
// goes away: past LISTENER_DOWN_NOTIFY_MS the owners of every tenant get one notification, not one per
// instance and not one per tick; staff none. When it comes back and goes down again, that is news again.

const t = await testApp({ LISTENER_HEARTBEAT_MS: 100, LISTENER_DOWN_NOTIFY_MS: 400 });
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'pw pw pw pw');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'pw pw pw pw', 'staff');
await createAdmin(t.sql, t.tenantB.id, 'owner@bravo.test', 'pw pw pw pw');

const downRows = async () => (await t.sql`select a.email, count(*)::int as n from notifications n join admins a on a.id = n.admin_id
  where n.kind = 'listener_down' group by a.email order by a.email`).map((r) => [r.email, r.n]);

describe('the event listener down', () => {
  test('notifies each owner once however many instances notice it and however long it lasts', async () => {
    const proxy = blackholeProxy(new URL(t.url));
    const instances = [0, 1].map(() => {
      const hub = new Hub({ sql: t.sql, config: t.config });
      return { hub, listener: new Listener({ url: proxy.url(t.url), sql: t.sql, hub, config: t.config }) };
    });
    try {
      for (const i of instances) await i.listener.start();
      await until(() => instances.every((i) => i.listener.isUp()), 'both listening');
      expect(await downRows()).toEqual([]);
      // Both LISTEN connections go silent (and no new one can be made through the proxy).
      proxy.stop();
      await until(async () => (await downRows()).length === 2, 'owners told', 15_000);
      // Well past the bound again (several more ticks on both instances): still one each.
      await Bun.sleep(1500);
      expect(await downRows()).toEqual([['owner@alpha.test', 1], ['owner@bravo.test', 1]]);
      const [row] = await t.sql`select title, body from notifications where kind = 'listener_down' limit 1`;
      expect(row.title).toBe('Live updates are delayed');
      expect(instances.every((i) => !i.listener.isUp())).toBe(true);
    } finally {
      for (const i of instances) { i.hub.stop(); await i.listener.stop(); }
    }
  }, 30_000);
});
