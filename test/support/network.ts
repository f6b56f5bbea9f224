// A till's network, switchable: a `fetch` that works, fails like a pulled cable, answers 503 like a
// service in trouble, or delivers the request and loses the answer (the case only an Idempotency-Key
// makes safe). Open streams are cut when the network goes down, as a real drop would.

export type NetworkMode = 'up' | 'down' | 'unavailable' | 'lose-answers';

export function flakyNetwork(inner: typeof fetch = fetch) {
  let mode: NetworkMode = 'up';
  const open = new Set<AbortController>();
  const stats = { sent: 0, refusedLocally: 0, answersLost: 0 };

  const wrapped = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (mode === 'down') { stats.refusedLocally++; throw new TypeError('fetch failed: network is down'); }
    if (mode === 'unavailable') {
      stats.refusedLocally++;
      return Response.json({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'simulated', code: 'database_unavailable' },
        { status: 503, headers: { 'retry-after': '1', 'content-type': 'application/problem+json' } });
    }
    const isStream = JSON.stringify(init?.headers ?? {}).includes('text/event-stream');
    // A stream's answer never ends, so it cannot be "lost after the work": the connection just fails.
    if (mode === 'lose-answers' && isStream) throw new TypeError('fetch failed: connection reset');
    const ctrl = new AbortController();
    init?.signal?.addEventListener('abort', () => ctrl.abort(init.signal?.reason));
    open.add(ctrl);
    stats.sent++;
    try {
      const res = await inner(input, { ...init, signal: ctrl.signal });
      if (mode === 'lose-answers') {
        // The server did the work; the till never hears. Drain the body so the server's side completes.
        await res.arrayBuffer().catch(() => undefined);
        stats.answersLost++;
        throw new TypeError('fetch failed: connection reset before the answer');
      }
      return res;
    } finally {
      // Streams stay registered while their body is read, so `set('down')` can cut them.
      if (!isStream) open.delete(ctrl);
      else ctrl.signal.addEventListener('abort', () => open.delete(ctrl));
    }
  }) as typeof fetch;

  return {
    fetch: wrapped,
    stats,
    get mode() { return mode; },
    set(next: NetworkMode) {
      mode = next;
      if (next === 'down') { for (const c of open) c.abort(new TypeError('network is down')); open.clear(); }
    },
  };
}
