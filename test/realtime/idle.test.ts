import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { listen, rawStream, serve, until } from '../support/stream.ts';

// Default heartbeat (SSE_HEARTBEAT_MS 5000) and Bun's default idleTimeout of 10 s on the server.
const t = await testApp();
const base = serve(t.app, 10);
const STREAM = `${base}/api/v1/events/stream`;

describe('idle streams', () => {
  test('a stream idle for 15 s stays open and still delivers', async () => {
    const es = listen(STREAM, t.keyA);
    const raw = await rawStream(STREAM, { authorization: `Bearer ${t.keyA}` });
    await es.opened;
    let opens = 0;
    es.es.addEventListener('open', () => opens++);
    await Bun.sleep(15_000);
    expect(raw.ended).toBe(false);
    expect(raw.frames.filter((f) => f.comment === 'hb').length).toBeGreaterThanOrEqual(2);
    const [{ id }] = await t.sql`select emit_event(${t.tenantA.id}, 'test_event', '{"after":"idle"}'::jsonb) as id`;
    await until(() => es.events.length === 1 && raw.events().length === 1, 'the event after 15 s idle', 5000);
    expect(es.events[0].id).toBe(String(id));
    expect(opens).toBe(0); // never reconnected
    expect(es.errors).toEqual([]);
    es.close();
    raw.abort();
  }, 30_000);
});
