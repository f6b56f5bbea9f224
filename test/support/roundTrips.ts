import { tcpProxy } from './tcpProxy.ts';

/**
 * A TCP proxy to Postgres that counts round trips: a client write that follows an answer the client
 * has received is a new round trip (the client waited). Answers are held back `holdMs`, so statements
 * a client pipelines (sends without waiting) reach the proxy before any answer does and count once,
 * even on a busy machine. A count of waits, not a timing: use it to assert how many round trips a
 * request costs.
 */
export function roundTripProxy(target: URL, holdMs = 50) {
  let trips = 0;
  const proxy = tcpProxy(target, {
    state: () => ({ answered: true }),
    fromClient(link) {
      if (link.state.answered) trips++;
      link.state.answered = false;
      return true;
    },
    fromServer(link, _chunk, forward) {
      setTimeout(() => { link.state.answered = true; forward(); }, holdMs);
    },
    serverClosed(_link, end) { setTimeout(end, holdMs); },
  });
  return {
    url: proxy.url(target),
    /** Round trips since the last reset. */
    get trips() { return trips; },
    reset() { trips = 0; },
    stop() { proxy.stop(); },
  };
}
