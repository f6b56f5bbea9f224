import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createApiKey } from '../../src/identity/apiKeys.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// Issue 10 item 4: a stream's slot is freed when its request ends, however it ends. A small cap makes
// a leak show as a 429; a long heartbeat (the default 5 s) means a freed slot was not found by a
// heartbeat write failing but by the request ending; a small queue makes a replay wait on its client.
const t = await testApp({ SSE_MAX_STREAMS_PER_KEY: 5, SSE_CLIENT_QUEUE_BYTES: 16 * 1024 });
const base = serve(t.app);
const STREAM = `${base}/api/v1/events/stream`;
const port = Number(new URL(base).port);

async function newKey(name: string) {
  const { apiKey, id } = await createApiKey(t.sql, t.tenantA.id, name);
  return { apiKey, streamKey: `key:${id}`, auth: { authorization: `Bearer ${apiKey}` } };
}

/** A client on a raw socket: sends its request, reads nothing, and can vanish (FIN) whenever it likes. */
async function rawClient(request: string) {
  let closed = false;
  const socket = await Bun.connect({
    hostname: '127.0.0.1', port,
    socket: { data() {}, close() { closed = true; }, error() { closed = true; } },
  });
  socket.write(request);
  return { socket, get closed() { return closed; } };
}

describe('a stream slot is freed however its request ends', () => {
  test('60 HEAD requests on /api/v1/events/stream open nothing, and a GET is admitted after them', async () => {
    const key = await newKey('head-60');
    const [before, openedBefore] = [t.hub.openStreams, t.hub.metrics.streamsOpened];
    const answers = await Promise.all(Array.from({ length: 60 }, () => fetch(STREAM, { method: 'HEAD', headers: key.auth })));
    expect(answers.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(answers.every((r) => r.headers.get('content-type')?.startsWith('text/event-stream'))).toBe(true);
    expect(t.hub.streamsFor(key.streamKey)).toBe(0);
    expect(t.hub.openStreams).toBe(before);
    expect(t.hub.metrics.streamsOpened).toBe(openedBefore);
    // curl -I over raw sockets that stay open: still nothing registered.
    const curls = await Promise.all(Array.from({ length: 10 }, () =>
      rawClient(`HEAD /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key.apiKey}\r\n\r\n`)));
    const get = await rawStream(STREAM, key.auth);
    expect(get.res.status).toBe(200);
    expect(t.hub.streamsFor(key.streamKey)).toBe(1);
    get.abort();
    for (const c of curls) c.socket.end();
    await until(() => t.hub.streamsFor(key.streamKey) === 0, 'the GET to free its slot');
  });

  test('a GET whose client goes away without reading a byte frees its slot', async () => {
    const key = await newKey('vanish');
    const clients = await Promise.all(Array.from({ length: 5 }, () =>
      rawClient(`GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key.apiKey}\r\n\r\n`)));
    await until(() => t.hub.streamsFor(key.streamKey) === 5, 'five streams to register');
    expect((await fetch(STREAM, { headers: key.auth })).status).toBe(429);
    for (const c of clients) c.socket.end();
    await until(() => t.hub.streamsFor(key.streamKey) === 0, 'every slot to be freed', 4000);
    const next = await rawStream(STREAM, key.auth);
    expect(next.res.status).toBe(200);
    next.abort();
    await until(() => t.hub.streamsFor(key.streamKey) === 0, 'the last GET to free its slot');
  });

  test('a GET aborted in the middle of its replay frees its slot and stops replaying', async () => {
    const key = await newKey('mid-replay');
    const [{ seq: from }] = await t.sql`select event_seq as seq from tenant_counters where tenant_id = ${t.tenantA.id}`;
    // ~1.2 MB of replay against a 16 KB queue: the replay must wait on the client page after page.
    const pad = 'p'.repeat(1000);
    await t.sql`select emit_event(${t.tenantA.id}, 'blob', jsonb_build_object('i', i, 'pad', ${pad}::text))
      from generate_series(1, 1200) i`;
    const replayedBefore = t.hub.metrics.eventsReplayed;
    // Two clients that read nothing (paused sockets: the kernel buffers fill, then the stream's queue),
    // so each replay must wait on its client; a fetch client reads ahead without limit and could take the
    // whole replay before its abort arrives on a busy machine.
    const request = `GET /api/v1/events/stream?lastEventId=${from} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key.apiKey}\r\n\r\n`;
    const [first, second] = await Promise.all([rawClient(request), rawClient(request)]);
    first.socket.pause();
    second.socket.pause();
    await until(() => t.hub.streamsFor(key.streamKey) === 2, 'both streams to register');
    await until(() => t.hub.metrics.eventsReplayed > replayedBefore, 'the replay to start');
    first.socket.terminate(); // a reset, as a till losing power
    second.socket.end(); // a close, as a till quitting
    await until(() => t.hub.streamsFor(key.streamKey) === 0, 'both slots to be freed', 4000);
    // Neither replay ran to the end (either alone would have replayed 1200): they stopped with their requests.
    await Bun.sleep(200);
    expect(t.hub.metrics.eventsReplayed - replayedBefore).toBeLessThan(1200);
    const again = await rawStream(STREAM, key.auth);
    expect(again.res.status).toBe(200);
    again.abort();
    await until(() => t.hub.streamsFor(key.streamKey) === 0, 'the last GET to free its slot');
  }, 20_000);
});
