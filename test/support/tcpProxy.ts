import type { Socket } from 'bun';

/** One client connection through the proxy and its connection to Postgres (null until open). */
export type ProxyLink<S> = { client: Socket<any>; server: Socket<any> | null; state: S };

/**
 * A TCP proxy on 127.0.0.1 in front of `target` (Postgres), for tests that need to see or disturb
 * the bytes between a pool and the server. The plumbing is here once: a connection to the target per
 * client, client bytes that arrive before it is open kept and sent once it is. What a proxy does with
 * the bytes is its hooks':
 * - `fromClient`: return false to drop the chunk instead of sending it to Postgres;
 * - `fromServer`: call `forward` to hand the chunk to the client (default: at once);
 * - `serverClosed`: call `end` to close the client side (default: at once).
 * `url(dbUrl)` is `dbUrl` with the proxy's host and port.
 */
export function tcpProxy<S>(target: URL, hooks: {
  state: () => S;
  fromClient?: (link: ProxyLink<S>, chunk: Uint8Array) => boolean;
  fromServer?: (link: ProxyLink<S>, chunk: Uint8Array, forward: () => void) => void;
  serverClosed?: (link: ProxyLink<S>, end: () => void) => void;
  clientClosed?: (link: ProxyLink<S>) => void;
}) {
  type Link = ProxyLink<S> & { early: Uint8Array[] };
  const links = new Set<Link>();
  const listener = Bun.listen<Link>({
    hostname: '127.0.0.1', port: 0,
    socket: {
      open(client) {
        const link: Link = { client, server: null, state: hooks.state(), early: [] };
        client.data = link;
        links.add(link);
        Bun.connect({
          hostname: target.hostname, port: Number(target.port || 5432),
          socket: {
            open(server) {
              link.server = server;
              for (const chunk of link.early) server.write(chunk);
              link.early = [];
            },
            data(_s, chunk) {
              const copy = new Uint8Array(chunk);
              const forward = () => { client.write(copy); };
              if (hooks.fromServer) hooks.fromServer(link, copy, forward); else forward();
            },
            close() {
              const end = () => { client.end(); };
              if (hooks.serverClosed) hooks.serverClosed(link, end); else end();
            },
            error() {},
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        const link = client.data;
        if (hooks.fromClient && !hooks.fromClient(link, chunk)) return;
        if (link.server) link.server.write(chunk); else link.early.push(new Uint8Array(chunk));
      },
      close(client) {
        const link = client.data;
        links.delete(link);
        if (hooks.clientClosed) hooks.clientClosed(link); else link.server?.end();
      },
      error() {},
    },
  });
  return {
    links: links as ReadonlySet<ProxyLink<S>>,
    url(dbUrl: string | URL) {
      const u = new URL(dbUrl);
      u.hostname = '127.0.0.1';
      u.port = String(listener.port);
      return u.toString();
    },
    stop() { listener.stop(true); },
  };
}
