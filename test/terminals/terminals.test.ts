import { describe, expect, test } from 'bun:test';
import type { Subprocess } from 'bun';
import { createApp } from '../../src/app.ts';
import { createApiKey, revokeApiKey } from '../../src/identity/apiKeys.ts';
import { connect } from '../../src/platform/database.ts';
import { PRESENCE_TTL_BEATS, prunePresence } from '../../src/realtime/presence.ts';
import { LAG_FLAG_EVENTS } from '../../src/terminals/terminals.ts';
import { startRealtime, testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { listen, serve, until } from '../support/stream.ts';

// Terminal presence across instances sharing one Postgres. Instance A is testApp's app; instance B a
// second pool, hub, listener and server over the same database; and, for crashes, real `bun src/main.ts`
// processes. A terminal is an API key with open event streams.
const INTERVAL = 500;
const t = await testApp({ PRESENCE_INTERVAL_MS: INTERVAL });
const sqlB = connect(t.url, 5);
const b = await startRealtime(sqlB, t.url, t.config);
const appB = createApp({ sql: sqlB, config: t.config, hub: b.hub }, { listener: () => b.listener.isUp() });
const streamB = `${serve(appB)}/api/v1/events/stream`;

await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const ownerA = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');

const [defaultKeyA] = await t.sql`select id from api_keys where tenant_id = ${t.tenantA.id}`;

type Terminal = { keyId: string; name: string; connected: boolean; streams: number; connectedAt: string | null;
  lastSeenAt: string | null; lastEventIdSent: number | null; lag: number | null; locationId: string | null; locationName: string | null };

/** A's terminals as instance A's API answers. */
async function terminalsOnA(): Promise<{ data: Terminal[]; newestEventId: number }> {
  const r = await t.a.get('/api/v1/terminals');
  expect(r.status).toBe(200);
  return r.body;
}
const terminalOnA = async (keyId: string) => (await terminalsOnA()).data.find((x) => x.keyId === keyId);

/** How instance A's Terminals page draws one key's row right now (its polled fragment). */
async function rowStateOnA(keyId: string): Promise<string | null> {
  const res = await ownerA.get('/terminals/table', { 'hx-request': 'true' });
  expect(res.status).toBe(200);
  const html = await res.text();
  return new RegExp(`id="terminal-${keyId}"[^>]*data-state="(\\w+)"`).exec(html)?.[1] ?? null;
}

const newest = async () => Number((await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq);
const presenceRows = (keyId: string) => t.sql`select instance_id, streams, last_event_id_sent, heartbeat_at, expires_at
  from terminal_presence where api_key_id = ${keyId} order by instance_id`;

/** A real instance: `bun src/main.ts` on the test database and its own port. */
async function spawnInstance(): Promise<{ proc: Subprocess<'ignore', 'pipe', 'inherit'>; url: string }> {
  const proc = Bun.spawn(['bun', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: t.url, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'info',
      PRESENCE_INTERVAL_MS: String(INTERVAL), MAINTENANCE_INTERVAL_MS: '600000' },
    stdout: 'pipe', stderr: 'inherit',
  });
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let out = '';
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const port = /listening on http:\/\/localhost:(\d+)/.exec(out)?.[1];
    if (port) {
      reader.releaseLock();
      return { proc, url: `http://127.0.0.1:${port}/api/v1/events/stream` };
    }
    const { value, done } = await reader.read();
    if (done) break;
    out += dec.decode(value, { stream: true });
  }
  proc.kill('SIGKILL');
  throw new Error(`instance did not start: ${out}`);
}

describe('terminals', () => {
  test('every key of the tenant is listed, none connected; revoked keys and other tenants\' keys are not', async () => {
    const spare = await createApiKey(t.sql, t.tenantA.id, 'Spare till');
    const gone = await createApiKey(t.sql, t.tenantA.id, 'Old till');
    await revokeApiKey(t.sql, t.tenantA.id, gone.id);
    const { data, newestEventId } = await terminalsOnA();
    expect(newestEventId).toBe(await newest());
    const ids = data.map((x) => x.keyId);
    expect(ids).toContain(defaultKeyA.id);
    expect(ids).toContain(spare.id);
    expect(ids).not.toContain(gone.id);
    const [keyB] = await t.sql`select id from api_keys where tenant_id = ${t.tenantB.id}`;
    expect(ids).not.toContain(keyB.id);
    expect(data.find((x) => x.keyId === spare.id)).toEqual({
      keyId: spare.id, name: 'Spare till', locationId: null, locationName: null, connected: false, streams: 0,
      connectedAt: null, lastSeenAt: null, lastEventIdSent: null, lag: null,
    });
    expect(await rowStateOnA(spare.id)).toBe('offline');
    expect(await presenceRows(spare.id)).toHaveLength(0);
  });

  test('a terminal connected to instance B shows as connected on instance A\'s API and page; closing it turns it grey', async () => {
    const kitchen = await createApiKey(t.sql, t.tenantA.id, 'Kitchen');
    const seq = await newest();
    const stream = listen(streamB, kitchen.apiKey, { lastEventId: String(seq) });
    await stream.opened;
    // Connected is written when the stream opens, its position once its starting point is fixed.
    await until(async () => (await terminalOnA(kitchen.id))?.lastEventIdSent === seq, 'A sees the kitchen connected, caught up');
    const shown = (await terminalOnA(kitchen.id))!;
    expect(shown).toMatchObject({ connected: true, streams: 1, lastEventIdSent: seq, lag: 0 });
    expect(Date.parse(shown.connectedAt!)).toBeGreaterThan(0);
    expect(Date.parse(shown.lastSeenAt!)).toBeGreaterThan(0);
    expect(await rowStateOnA(kitchen.id)).toBe('live');
    const rows = await presenceRows(kitchen.id);
    expect(rows.map((r) => ({ instance: r.instance_id, streams: r.streams }))).toEqual([{ instance: b.hub.presence.instanceId, streams: 1 }]);

    // A second stream of the same key on instance A: one terminal, two streams, over both instances.
    const second = listen(`${serve(t.app)}/api/v1/events/stream`, kitchen.apiKey, { lastEventId: String(seq) });
    await second.opened;
    await until(async () => (await terminalOnA(kitchen.id))?.streams === 2, 'two streams over two instances');
    second.close();
    await until(async () => (await terminalOnA(kitchen.id))?.streams === 1, 'back to one stream');

    stream.close();
    await until(async () => (await terminalOnA(kitchen.id))?.connected === false, 'A sees the kitchen disconnected');
    expect(await terminalOnA(kitchen.id)).toMatchObject({ streams: 0, connectedAt: null, lastEventIdSent: null, lag: null });
    expect(await rowStateOnA(kitchen.id)).toBe('offline');
    expect(await presenceRows(kitchen.id)).toHaveLength(0);
    // Last seen survives the row: the moment its last stream closed is the key's last use.
    const [key] = await t.sql`select last_used_at from api_keys where id = ${kitchen.id}`;
    expect(key.last_used_at).not.toBeNull();
    expect((await terminalOnA(kitchen.id))!.lastSeenAt).not.toBeNull();
  });

  test('presence is written on the interval and at a terminal\'s edges, never per event; a type-filtered terminal is not behind', async () => {
    // A third instance whose interval never comes round during the test: only the edges write.
    const sqlC = connect(t.url, 3);
    const c = await startRealtime(sqlC, t.url, { ...t.config, PRESENCE_INTERVAL_MS: 600_000 });
    const appC = createApp({ sql: sqlC, config: t.config, hub: c.hub }, { listener: () => c.listener.isUp() });
    const till = await createApiKey(t.sql, t.tenantA.id, 'Bar');
    const seq = await newest();
    const stream = listen(`${serve(appC)}/api/v1/events/stream`, till.apiKey, { lastEventId: String(seq), types: ['test_event'] });
    await stream.opened;
    // One read per check: with two, the first could find no row yet (undefined is not null) and the
    // second the open's own write, whose position is still null (Number(null) is 0).
    await until(async () => {
      const rows = await presenceRows(till.id);
      return rows.length === 1 && rows[0].last_event_id_sent !== null;
    }, 'the first stream is written at once');
    const [before] = await presenceRows(till.id);
    expect(Number(before.last_event_id_sent)).toBe(seq);

    for (let i = 0; i < 20; i++) await t.sql`select emit_event(${t.tenantA.id}, ${i % 2 ? 'test_event' : 'other_event'}, ${t.sql.json({ i })})`;
    await until(() => stream.events.length === 10, 'the ten events of its type');
    // Delivery wrote nothing: the row is exactly as the open left it.
    expect([...await presenceRows(till.id)]).toEqual([before]);

    await c.hub.presence.flush();
    const [after] = await presenceRows(till.id);
    // Caught up to the newest id, including the ten events its filter passed over.
    expect(Number(after.last_event_id_sent)).toBe(seq + 20);
    expect(after.heartbeat_at.getTime()).toBeGreaterThanOrEqual(before.heartbeat_at.getTime());
    expect(await terminalOnA(till.id)).toMatchObject({ connected: true, lastEventIdSent: seq + 20, lag: 0 });
    stream.close();
    await until(async () => (await presenceRows(till.id)).length === 0, 'the last close is written at once');
  });

  test('a terminal more than the flag behind is flagged; a row past its expiry is not connected and is pruned into last seen', async () => {
    const slow = await createApiKey(t.sql, t.tenantA.id, 'Slow till');
    const dead = await createApiKey(t.sql, t.tenantA.id, 'Dead till');
    const seq = await newest();
    for (let i = 0; i <= LAG_FLAG_EVENTS; i++) await t.sql`select emit_event(${t.tenantA.id}, 'test_event', ${t.sql.json({ i })})`;
    // Rows as another instance writes them: one fresh and behind, one from an instance that stopped beating.
    await t.sql`insert into terminal_presence (instance_id, api_key_id, streams, connected_at, last_event_id_sent, heartbeat_at, expires_at)
      values (gen_random_uuid(), ${slow.id}, 1, now(), ${seq}, now(), now() + interval '1 minute'),
             (gen_random_uuid(), ${dead.id}, 2, now() - interval '1 hour', ${seq}, now() - interval '20 seconds', now() - interval '5 seconds')`;
    expect(await terminalOnA(slow.id)).toMatchObject({ connected: true, streams: 1, lastEventIdSent: seq, lag: LAG_FLAG_EVENTS + 1 });
    expect(await rowStateOnA(slow.id)).toBe('behind');
    const page = await (await ownerA.get('/terminals')).text();
    expect(page).toContain(`${LAG_FLAG_EVENTS + 1} events behind`);

    const shown = (await terminalOnA(dead.id))!;
    expect(shown).toMatchObject({ connected: false, streams: 0, connectedAt: null, lastEventIdSent: null, lag: null });
    expect(await rowStateOnA(dead.id)).toBe('offline');
    const [deadRow] = await presenceRows(dead.id);

    expect(await prunePresence(t.sql)).toBeGreaterThanOrEqual(1);
    expect(await presenceRows(dead.id)).toHaveLength(0);
    expect((await presenceRows(slow.id)).length).toBe(1);
    const [key] = await t.sql`select last_used_at from api_keys where id = ${dead.id}`;
    expect(key.last_used_at.getTime()).toBe(deadRow.heartbeat_at.getTime());
    expect((await terminalOnA(dead.id))!.lastSeenAt).toBe(shown.lastSeenAt);
    await t.sql`delete from terminal_presence where api_key_id = ${slow.id}`;
  });

  test('an instance killed with SIGKILL has its terminals go grey once its rows expire (3 × PRESENCE_INTERVAL_MS)', async () => {
    const till = await createApiKey(t.sql, t.tenantA.id, 'Till on a doomed instance');
    const doomed = await spawnInstance();
    try {
      const stream = listen(doomed.url, till.apiKey, { lastEventId: String(await newest()) });
      await stream.opened;
      await until(async () => (await terminalOnA(till.id))?.connected === true, 'A sees the till connected');
      expect(await rowStateOnA(till.id)).toBe('live');
      doomed.proc.kill('SIGKILL');
      await doomed.proc.exited;
      stream.close();
      // The row stays (nobody deleted it) and says by when it stops counting: the documented bound.
      const [row] = await presenceRows(till.id);
      expect(row.expires_at.getTime() - row.heartbeat_at.getTime()).toBe(PRESENCE_TTL_BEATS * INTERVAL);
      await until(async () => (await terminalOnA(till.id))?.connected === false, 'A sees the till disconnected', 15_000);
      expect(await rowStateOnA(till.id)).toBe('offline');
      // It went grey because the row expired, not because anything removed it.
      expect((await presenceRows(till.id)).length).toBe(1);
      expect((await t.sql`select now() >= ${row.expires_at} as past`)[0].past).toBe(true);
    } finally {
      doomed.proc.kill('SIGKILL');
    }
  }, 60_000);

  test('an instance stopped with SIGTERM deletes its rows before it exits: its terminals are grey at once', async () => {
    const till = await createApiKey(t.sql, t.tenantA.id, 'Till on a stopping instance');
    const stopping = await spawnInstance();
    try {
      const stream = listen(stopping.url, till.apiKey, { lastEventId: String(await newest()) });
      await stream.opened;
      await until(async () => (await terminalOnA(till.id))?.connected === true, 'A sees the till connected');
      const [row] = await presenceRows(till.id);
      stopping.proc.kill('SIGTERM');
      // 0: our shutdown ran to the end (with DATABASE_URL there is no embedded cluster whose exit hook could race it).
      expect(await stopping.proc.exited).toBe(0);
      stream.close();
      expect(await t.sql`select 1 from terminal_presence where instance_id = ${row.instance_id}`).toHaveLength(0);
      expect(await terminalOnA(till.id)).toMatchObject({ connected: false, streams: 0 });
    } finally {
      stopping.proc.kill('SIGKILL');
    }
  }, 60_000);

  test('another tenant\'s key sees only its own terminals', async () => {
    const { data } = (await t.b.get('/api/v1/terminals')).body;
    const [keyB] = await t.sql`select id from api_keys where tenant_id = ${t.tenantB.id}`;
    expect(data.map((x: Terminal) => x.keyId)).toEqual([keyB.id]);
  });
});
