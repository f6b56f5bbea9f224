import { afterAll } from 'bun:test';
import { EventSource } from 'eventsource';

/** A real HTTP server (Bun.serve on an ephemeral port) over an app; stopped after the file. */
export function serve(app: { fetch: (req: Request, env?: any) => Response | Promise<Response> }, idleTimeout = 10) {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', idleTimeout, fetch: (req, srv) => app.fetch(req, srv) });
  afterAll(() => { server.stop(true); });
  return `http://127.0.0.1:${server.port}`;
}

export type Received = { id: string; type: string; data: any };

export const TYPES = ['customer_created', 'loyalty_updated', 'settings_updated', 'reset', 'test_event', 'blob'];

/** A standard EventSource client (the `eventsource` package) that sends the API key and records every event. */
export function listen(url: string, key: string, opts: { types?: string[]; lastEventId?: string } = {}) {
  const events: Received[] = [];
  const errors: unknown[] = [];
  const es = new EventSource(url, {
    fetch: (input, init) => fetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${key}`,
        ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) },
    }),
  });
  for (const t of opts.types ?? TYPES) {
    es.addEventListener(t, (e) => events.push({ id: e.lastEventId, type: t, data: JSON.parse(e.data) }));
  }
  es.onerror = (e) => errors.push(e);
  const opened = new Promise<void>((resolve, reject) => {
    es.addEventListener('open', () => resolve());
    setTimeout(() => reject(new Error(`EventSource to ${url} did not open`)), 10_000);
  });
  afterAll(() => es.close());
  return { es, events, errors, opened, close: () => es.close() };
}

/**
 * Wait until `check` holds, failing loudly with `what` after `ms`. A check that asks the database or an
 * app (returns a promise) is awaited and asked every 50 ms rather than every 5.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const held = check();
    const asked = held instanceof Promise;
    if (asked ? await held : held) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await Bun.sleep(asked ? 50 : 5);
  }
}

export type RawFrame = { id?: string; event?: string; data?: string; comment?: string; retry?: string };

/** A plain fetch reader that keeps every frame, comments and retry hints included. */
export async function rawStream(url: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const frames: RawFrame[] = [];
  let ended = false;
  let buf = '';
  const done = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: RawFrame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { f.comment = (f.comment ?? '') + line.slice(1).trim(); continue; }
            const j = line.indexOf(':');
            const k = line.slice(0, j) as keyof RawFrame;
            const v = line.slice(j + 1).replace(/^ /, '');
            f[k] = k === 'data' && f.data !== undefined ? f.data + '\n' + v : v;
          }
          frames.push(f);
        }
      }
    } catch { /* aborted */ }
    ended = true;
  })();
  afterAll(() => ctrl.abort());
  return {
    res, frames, done, abort: () => ctrl.abort(), get ended() { return ended; },
    events: () => frames.filter((f) => f.event !== undefined),
  };
}
