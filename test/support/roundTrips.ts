import type { Socket } from 'bun';

/**
 * A TCP proxy to Postgres that counts round trips: a client write that follows an answer the client
 * has received is a new round trip (the client waited). Answers are held back `holdMs`, so statements
 * a client pipelines (sends without waiting) reach the proxy before any answer does and count once,
 * even on a busy machine. A count of waits, not a timing: use it to assert how many round trips a
 * request costs.
 */
export function roundTripProxy(target: URL, holdMs = 50) {
  type Pair = { server: Socket<any> | null; early: Uint8Array[]; answered: boolean };
  let trips = 0;
  const listener = Bun.listen<Pair>({
    hostname: '127.0.0.1', port: 0,
    socket: {
      open(client) {
        const pair: Pair = { server: null, early: [], answered: true };
        client.data = pair;
        Bun.connect({
          hostname: target.hostname, port: Number(target.port || 5432),
          socket: {
            open(server) {
              pair.server = server;
              for (const chunk of pair.early) server.write(chunk);
              pair.early = [];
            },
            data(_s, chunk) {
              const copy = new Uint8Array(chunk);
              setTimeout(() => { pair.answered = true; client.write(copy); }, holdMs);
            },
            close() { setTimeout(() => client.end(), holdMs); },
            error() {},
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        const pair = client.data;
        if (pair.answered) trips++;
        pair.answered = false;
        if (pair.server) pair.server.write(chunk); else pair.early.push(new Uint8Array(chunk));
      },
      close(client) { client.data.server?.end(); },
      error() {},
    },
  });
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(listener.port);
  return {
    url: url.toString(),
    /** Round trips since the last reset. */
    get trips() { return trips; },
    reset() { trips = 0; },
    stop() { listener.stop(true); },
  };
}
