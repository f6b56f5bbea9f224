import { tcpProxy } from './tcpProxy.ts';

/**
 * A TCP proxy to Postgres that can black-hole its open connections: bytes stop flowing both ways
 * but neither side sees a FIN or RST — a silently dropped connection (a NAT timeout, a dead route).
 * Connections opened after blackhole() work normally.
 */
export function blackholeProxy(target: URL) {
  const proxy = tcpProxy(target, {
    state: () => ({ dead: false }),
    fromClient: (link) => !link.state.dead,
    fromServer(link, _chunk, forward) { if (!link.state.dead) forward(); },
    serverClosed(link, end) { if (!link.state.dead) end(); },
    clientClosed(link) { if (!link.state.dead) link.server?.end(); },
  });
  return {
    url: (dbUrl: string) => proxy.url(dbUrl),
    blackhole() { for (const link of proxy.links) link.state.dead = true; },
    stop() {
      for (const link of proxy.links) { link.client.end(); link.server?.end(); }
      proxy.stop();
    },
  };
}
