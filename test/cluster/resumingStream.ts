// A stream client that behaves like a till or an admin page through a deploy: it reads SSE frames,
// remembers the last id, and when the stream ends (an instance shutting down sends `retry:` and
// closes) it waits the hinted time and reconnects with Last-Event-ID to whatever the load balancer
// picks. It keeps every id it was sent, so a test can say per client: nothing lost, nothing twice.

export type Resuming = {
  ids: number[];
  /** Ids received a second time (by this client). */
  duplicates: number[];
  /** How long each reconnect took: from the old stream's end to the new one's 200. */
  resumeMs: number[];
  /** Of each reconnect, the request alone: from sending it to its 200 (the hinted wait excluded). */
  connectMs: number[];
  /** Answers that were not a 200 stream, as `status code`, or the error (`cut …` once streaming). */
  refusals: string[];
  close(): void;
};

export function resumingStream(url: string, headers: Record<string, string>, lastEventId: number, opts: { retryCapMs?: number } = {}): Resuming & { opened: Promise<void> } {
  const ctrl = new AbortController();
  const seen = new Set<number>();
  const r: Resuming = { ids: [], duplicates: [], resumeMs: [], connectMs: [], refusals: [], close: () => ctrl.abort() };
  let last = lastEventId;
  let retryMs = 1000;
  let opened!: () => void;
  const openedP = new Promise<void>((res) => { opened = res; });

  const readOnce = async (res: Response) => {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('retry:')) retryMs = Number(line.slice(6).trim());
          else if (line.startsWith('id:')) {
            const id = Number(line.slice(3).trim());
            if (seen.has(id)) r.duplicates.push(id);
            else { seen.add(id); r.ids.push(id); }
            last = Math.max(last, id);
          }
        }
      }
    }
  };

  (async () => {
    let first = true;
    let endedAt = 0;
    while (!ctrl.signal.aborted) {
      let streaming = false;
      try {
        const sentAt = performance.now();
        const res = await fetch(url, { headers: { ...headers, 'last-event-id': String(last) }, signal: ctrl.signal });
        if (res.status !== 200) {
          const text = await res.text();
          let code: string;
          try { code = JSON.parse(text).code; } catch { code = /too_many_\w+|[Tt]oo many[^<]*/.exec(text)?.[0] ?? 'not JSON'; }
          r.refusals.push(`${res.status} ${code}`);
          // A 503 says when to come back (spread, so refused clients do not return together).
          await Bun.sleep(Number(res.headers.get('retry-after') ?? 1) * 1000 * Math.random());
          continue;
        }
        if (first) opened();
        else { r.resumeMs.push(performance.now() - endedAt); r.connectMs.push(performance.now() - sentAt); }
        first = false;
        streaming = true;
        await readOnce(res);
      } catch (err) {
        if (ctrl.signal.aborted) return;
        // A stream cut (rather than ended) says so: a reset mid-stream is not a refusal of the reconnect.
        r.refusals.push(`${streaming ? 'cut ' : ''}${(err as Error).name}: ${(err as Error).message}`);
      }
      if (streaming) endedAt = performance.now();
      // The server's hint is already spread (hub.stop sends each stream a random share of SSE_RETRY_MS).
      await Bun.sleep(Math.min(retryMs, opts.retryCapMs ?? retryMs));
    }
  })();
  return Object.assign(r, { opened: openedP });
}
