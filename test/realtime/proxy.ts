import type { Socket, TCPSocketListener } from 'bun';

/**
 * A TCP proxy to Postgres that can black-hole its open connections: bytes stop flowing both ways
 * but neither side sees a FIN or RST — a silently dropped connection (a NAT timeout, a dead route).
 * Connections opened after blackhole() work normally.
 */
export function blackholeProxy(target: URL) {
  type Pair = { client: Socket<any>; server: Socket<any> | null; early: Uint8Array[]; dead: boolean };
  const pairs = new Set<Pair>();
  const listener: TCPSocketListener<Pair> = Bun.listen<Pair>({
    hostname: '127.0.0.1', port: 0,
    socket: {
      open(client) {
        const pair: Pair = { client, server: null, early: [], dead: false };
        client.data = pair;
        pairs.add(pair);
        Bun.connect({
          hostname: target.hostname, port: Number(target.port || 5432),
          socket: {
            open(server) {
              pair.server = server;
              for (const chunk of pair.early) server.write(chunk);
              pair.early = [];
            },
            data(_s, chunk) { if (!pair.dead) client.write(chunk); },
            close() { if (!pair.dead) client.end(); },
            error() {},
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        const pair = client.data;
        if (pair.dead) return;
        if (pair.server) pair.server.write(chunk); else pair.early.push(new Uint8Array(chunk));
      },
      close(client) { const p = client.data; if (!p.dead) p.server?.end(); pairs.delete(p); },
      error() {},
    },
  });
  return {
    url(dbUrl: string) {
      const u = new URL(dbUrl);
      u.hostname = '127.0.0.1';
      u.port = String(listener.port);
      return u.toString();
    },
    blackhole() { for (const p of pairs) p.dead = true; },
    stop() {
      for (const p of pairs) { p.client.end(); p.server?.end(); }
      listener.stop(true);
    },
  };
}
