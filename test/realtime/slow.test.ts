import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { listen, serve, until } from '../support/stream.ts';

// A small per-client queue so the slow client overflows it quickly.
const t = await testApp({ SSE_CLIENT_QUEUE_BYTES: 64 * 1024 });
const base = serve(t.app);
const STREAM = `${base}/api/v1/events/stream`;
const blob = 'x'.repeat(100_000);

describe('slow clients', () => {
  test('a client that stops reading is dropped without delaying the others, and can resume', async () => {
    const fast = listen(STREAM, t.keyA, { types: ['blob'] });
    await fast.opened;
    // A client that sends its request and then stops reading: TCP backpressure, then a full queue.
    let slowClosed = false;
    const port = Number(new URL(base).port);
    const slow = await Bun.connect({
      hostname: '127.0.0.1', port,
      socket: { data() {}, close() { slowClosed = true; }, error() { slowClosed = true; } },
    });
    slow.write(`GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.keyA}\r\n\r\n`);
    await until(() => t.hub.openStreams === 2, 'the slow stream to register');
    slow.pause();

    // Far more than the kernel buffers and the queue hold. The fast client gets each event before the
    // next is written, so a slow client holding up the fan-out would stall this loop.
    for (let i = 0; i < 120; i++) {
      await t.sql`select emit_event(${t.tenantA.id}, 'blob', ${t.sql.json({ i, blob })})`;
      await until(() => fast.events.length === i + 1, `the fast client to get event ${i}`, 5000);
    }
    await until(() => t.hub.metrics.slowClientDrops >= 1, 'the slow client to be dropped');
    await until(() => t.hub.openStreams === 1, 'only the fast stream to remain');
    slow.resume();
    await until(() => slowClosed, 'the slow socket to be closed by the server');
    expect(fast.events.map((e) => e.data.data.i)).toEqual(Array.from({ length: 120 }, (_, i) => i));

    // The dropped client reconnects with the last id it processed and catches up from the outbox.
    const resumed = listen(STREAM, t.keyA, { types: ['blob'], lastEventId: fast.events[9].id });
    await until(() => resumed.events.length === 110, 'the resumed client to catch up', 10_000);
    expect(resumed.events.map((e) => e.data.data.i)).toEqual(Array.from({ length: 110 }, (_, i) => i + 10));
    fast.close();
    resumed.close();
  }, 60_000);
});
