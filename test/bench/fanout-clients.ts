// Light subscribers for the fan-out benchmark (run by fanout.ts, not on its own): N connections from
// one Bun process to 127.0.0.1, recording when each event id first arrives on each connection.
//   bun test/bench/fanout-clients.ts <sse|socketio|poll> <port> <count> <apiKey> <expectedEvents> <deadlineMs> [query]
// <apiKey> may be `admin:<slug>:<session token>` (admin pages' streams), or `@<file>`: one key per line, connection i using key i mod n (presence.ts: one key per terminal).
// `query` (sse only) is appended to the stream's URL, e.g. `locations=<id>` for a location-filtered stream.
// Prints `ready` once every connection is open, then one JSON line: { id: [receive times, ms since epoch] }.
import type { Socket } from 'bun';

const [mode, portArg, countArg, keyArg, expectedArg, deadlineArg, query = ''] = process.argv.slice(2);
const keys = keyArg.startsWith('@') ? (await Bun.file(keyArg.slice(1)).text()).split('\n').filter(Boolean) : [keyArg];
const apiKey = keys[0];
let connecting = 0;
const port = Number(portArg);
const count = Number(countArg);
const expected = Number(expectedArg);
const deadline = Date.now() + Number(deadlineArg);
const now = () => performance.timeOrigin + performance.now();

const received = new Map<string, number[]>();
let done = 0;
const record = (seen: Set<string>, id: string) => {
  if (seen.has(id)) return;
  seen.add(id);
  let list = received.get(id);
  if (!list) received.set(id, (list = []));
  list.push(now());
  if (seen.size === expected) done++;
};

const ID = Buffer.from('id: ');

async function sse() {
  let open = 0;
  const connectOne = () => new Promise<void>((resolve, reject) => {
    const seen = new Set<string>();
    const key = keys[connecting++ % keys.length];
    let buf = '';
    let headers = false;
    Bun.connect({
      hostname: '127.0.0.1', port,
      socket: {
        open(s) {
          // `admin:<slug>:<session token>`: an admin page's stream (cookie session) instead of an API key's.
          const [kind, slug, token] = key.split(':');
          const head = kind === 'admin'
            ? `GET /${slug}/admin/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ts_session=${token}`
            : `GET /api/v1/events/stream${query ? `?${query}` : ''} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}`;
          s.write(`${head}\r\nAccept: text/event-stream\r\n\r\n`);
        },
        data(_s, chunk) {
          if (!headers) {
            buf += chunk.toString();
            if (!buf.includes('\r\n\r\n')) return;
            if (!buf.startsWith('HTTP/1.1 200')) return reject(new Error(`stream refused: ${buf.split('\r\n')[0]}`));
            headers = true;
            open++;
            resolve();
          }
          // Light client: scan the bytes for `id: <digits>` (only event frames carry ids) without
          // decoding or buffering; the server writes each frame in one piece.
          let at = 0;
          while ((at = chunk.indexOf(ID, at)) >= 0) {
            let id = '';
            for (at += 4; at < chunk.length && chunk[at] >= 48 && chunk[at] <= 57; at++) id += String.fromCharCode(chunk[at]);
            if (id) record(seen, id);
          }
        },
        error(_s, e) { reject(e); },
        close() {},
      },
    }).catch(reject);
  });
  for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, connectOne));
  return open;
}

async function socketio() {
  // A minimal Engine.IO v4 / Socket.IO v5 websocket client: open packet, namespace connect, pings.
  const connectOne = () => new Promise<void>((resolve, reject) => {
    const seen = new Set<string>();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    ws.onmessage = (m) => {
      const text = String(m.data);
      if (text[0] === '0') ws.send(`40${JSON.stringify({ token: apiKey })}`);
      else if (text === '2') ws.send('3');
      else if (text.startsWith('40')) resolve();
      else if (text.startsWith('42')) {
        const id = text.match(/"id":"(\d+)"/)?.[1];
        if (id && text.includes('"type":"bench"')) record(seen, id);
      } else if (text.startsWith('44')) reject(new Error(text));
    };
    ws.onerror = () => reject(new Error('websocket error'));
  });
  for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, connectOne));
  return count;
}

async function poll() {
  // Every client polls GET /api/v1/events?after= every 5 s, phases spread over the interval.
  const [{ nextAfter }] = [await (await fetch(`http://127.0.0.1:${port}/api/v1/events?limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } })).json()];
  for (let i = 0; i < count; i++) {
    const seen = new Set<string>();
    let after = nextAfter as string;
    const tick = async () => {
      if (Date.now() > deadline || seen.size >= expected) return;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/events?after=${after}&limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } });
        const page = await res.json() as { data: { id: string; type: string }[]; nextAfter: string };
        for (const e of page.data) if (e.type === 'bench') record(seen, e.id);
        after = page.nextAfter;
      } catch { /* next tick */ }
      setTimeout(tick, 5000);
    };
    setTimeout(tick, Math.random() * 5000);
  }
  return count;
}

const opened = await (mode === 'sse' ? sse() : mode === 'socketio' ? socketio() : poll());
console.log(`ready ${opened}`);
while (done < count && Date.now() < deadline) await Bun.sleep(20);
console.log(JSON.stringify(Object.fromEntries(received)));
process.exit(0);
