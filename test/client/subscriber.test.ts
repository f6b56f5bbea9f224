import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../src/client/client.ts';
import { fileCursor, memoryCursor } from '../../src/client/cursorStore.ts';
import { subscribe, type Envelope, type ResetData } from '../../src/client/subscriber.ts';
import { writes } from '../../src/client/writes.ts';
import { testApp } from '../support/app.ts';
import { lastEventId } from '../support/fixtures.ts';
import { flakyNetwork } from '../support/network.ts';
import { serve, until } from '../support/stream.ts';

const t = await testApp();
const base = serve(t.app);
const api = createClient({ baseUrl: base, apiKey: t.keyA });
const dir = await mkdtemp(join(tmpdir(), 'tillstream-cursor-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function earn(phone: string, cents = 1000) {
  const r = await api.send(writes.earn({ phone, orderTotalCents: cents }));
  expect(r.kind).toBe('ok');
}

async function allIds() {
  const rows = await t.sql`select id::text from events where tenant_id = ${t.tenantA.id} order by events.id`;
  return rows.map((r) => r.id as string);
}

function recorder() {
  const seen: Envelope[] = [];
  const resets: ResetData[] = [];
  return { seen, resets, ids: () => seen.map((e) => e.id), onEvent: (e: Envelope) => { seen.push(e); }, onReset: (r: ResetData) => { resets.push(r); } };
}

describe('the event subscriber', () => {
  test('a till that stops and starts again resumes from its persisted cursor: every event once, in order', async () => {
    const path = join(dir, 'resume.cursor');
    const r = recorder();
    let sub = subscribe({ baseUrl: base, apiKey: t.keyA, cursor: fileCursor(path), ...r });
    await sub.opened;
    await earn('+447306620001');
    await until(async () => r.seen.length === (await allIds()).length, 'the live events');
    await sub.close();
    expect(await Bun.file(path).text()).toBe(String(await lastEventId(t.sql, t.tenantA.id)));

    await earn('+447306620002');      // while the till was off
    await earn('+447306620001');
    sub = subscribe({ baseUrl: base, apiKey: t.keyA, cursor: fileCursor(path), ...r });
    await sub.opened;
    await earn('+447306620003');      // live again
    await until(async () => r.seen.length === (await allIds()).length, 'the missed and the new events');
    await sub.close();
    expect(r.ids()).toEqual(await allIds());
    expect(r.resets).toEqual([]);
  });

  test('a connection dropped again and again loses nothing and shows nothing twice, even when the server replays what the till already has', async () => {
    const net = flakyNetwork();
    let reconnects = 0;
    // A proxy that forgets the resume point and asks from the start: the server replays everything,
    // and only the subscriber's dedup by id keeps the till from applying it twice.
    const forgetful = ((input: RequestInfo | URL, init?: RequestInit) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      if (headers['last-event-id']) { reconnects++; headers['last-event-id'] = '0'; }
      return net.fetch(input, { ...init, headers });
    }) as typeof fetch;
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = recorder();
    const sub = subscribe({ baseUrl: base, apiKey: t.keyA, cursor: memoryCursor(String(before)), fetch: forgetful, retryMs: 20, ...r });
    await sub.opened;
    for (let i = 0; i < 6; i++) {
      await earn(`+4473066301${i}0`);
      sub.drop();
      await earn(`+4473066301${i}1`);
    }
    await until(async () => r.seen.length === (await allIds()).filter((id) => Number(id) > before).length, 'every event after the cursor', 15_000);
    await sub.close();
    expect(reconnects).toBeGreaterThan(0);
    expect(r.ids()).toEqual((await allIds()).filter((id) => Number(id) > before));
  });

  test('a cursor the server cannot serve (ahead of it) is answered by reset: the till reloads and carries on after the id it names', async () => {
    const cursor = memoryCursor('999999');
    const r = recorder();
    const sub = subscribe({ baseUrl: base, apiKey: t.keyA, cursor, ...r });
    await sub.opened;
    await until(() => r.resets.length === 1, 'the reset');
    const newest = String(await lastEventId(t.sql, t.tenantA.id));
    expect(r.resets).toEqual([{ reason: 'future', lastEventId: newest }]);
    expect(cursor.value).toBe(newest);
    await earn('+447306640001');
    await until(() => r.seen.length > 0 && r.seen.at(-1)?.type === 'loyalty_updated', 'the next event');
    await sub.close();
    expect(Number(r.seen[0].id)).toBe(Number(newest) + 1);
  });

  test('a revoked or wrong key is refused once, not retried for ever', async () => {
    const statuses: string[] = [];
    const sub = subscribe({ baseUrl: base, apiKey: 'ts_nope', cursor: memoryCursor(), onEvent: () => {}, onReset: () => {}, onStatus: (s) => statuses.push(s) });
    await until(() => statuses.includes('closed'), 'the subscriber to give up');
    await sub.close();
    expect(statuses).toEqual(['connecting', 'refused', 'closed']);
  });
});
