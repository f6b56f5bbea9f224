import type { components } from './api.ts';
import type { CursorStore } from './cursorStore.ts';
import { SseParser, type SseEvent } from './sseParser.ts';

// The till's event subscriber: one SSE stream read with fetch (the browser's EventSource cannot send
// `Authorization`), resumed by `Last-Event-ID` from a persisted cursor, deduplicated by id, and
// reconnected for ever until closed. Events are handed over one at a time, in id order, and the cursor
// moves only after the handler returned: a till that crashes mid-event sees that event again.

export type Envelope = components['schemas']['EventEnvelope'];
export type ResetData = { reason: 'pruned' | 'invalid' | 'future'; lastEventId: string };
export type SubscriberStatus = 'connecting' | 'open' | 'waiting' | 'refused' | 'closed';

export type SubscriberOptions = {
  baseUrl: string;
  apiKey: string;
  cursor: CursorStore;
  onEvent: (event: Envelope) => void | Promise<void>;
  /**
   * The resume point could not be served (pruned, unknown, ahead of the server): reload the state
   * the till shows from the REST API. The stream then carries on after `lastEventId`.
   */
  onReset: (reset: ResetData) => void | Promise<void>;
  onStatus?: (status: SubscriberStatus, detail?: string) => void;
  types?: string[];
  locations?: string[];
  fetch?: typeof fetch;
  /** First reconnect delay; doubles (with jitter) up to maxRetryMs while the server stays away. */
  retryMs?: number;
  maxRetryMs?: number;
};

export type Subscription = {
  /** Resolves when the first connection is open (the server answered 200). */
  opened: Promise<void>;
  /** The id of the last event applied (or reset to). */
  lastEventId(): string | null;
  /** Cut the current connection (as a network drop would); the subscriber reconnects and resumes. */
  drop(): void;
  close(): Promise<void>;
};

export function subscribe(opts: SubscriberOptions): Subscription {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  const firstRetry = opts.retryMs ?? 500;
  const maxRetry = opts.maxRetryMs ?? 15_000;
  const params = new URLSearchParams();
  if (opts.types?.length) params.set('types', opts.types.join(','));
  if (opts.locations?.length) params.set('locations', opts.locations.join(','));
  const url = `${base}/api/v1/events/stream${params.size ? `?${params}` : ''}`;

  let last: string | null = null;
  let closed = false;
  let current: AbortController | null = null;
  let wake: (() => void) | null = null;
  let markOpen!: () => void;
  const opened = new Promise<void>((resolve) => { markOpen = resolve; });
  const status = (s: SubscriberStatus, detail?: string) => opts.onStatus?.(s, detail);

  async function apply(e: SseEvent) {
    if (e.event === 'reset') {
      const reset = JSON.parse(e.data) as ResetData;
      await opts.onReset(reset);
      last = reset.lastEventId;
      await opts.cursor.save(last);
      return;
    }
    // Ids strictly increase on a stream and a resumed stream starts after the cursor, so anything at
    // or below it is a duplicate (a replay overlapping what was applied, or a retried delivery).
    if (e.id === null || (last !== null && Number(e.id) <= Number(last))) return;
    await opts.onEvent(JSON.parse(e.data) as Envelope);
    last = e.id;
    await opts.cursor.save(last);
  }

  async function connectOnce(parser: SseParser): Promise<'again' | 'refused'> {
    const ctrl = new AbortController();
    current = ctrl;
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}`, accept: 'text/event-stream' };
    if (last !== null) headers['last-event-id'] = last;
    status('connecting');
    const res = await doFetch(url, { headers, signal: ctrl.signal });
    if (res.status !== 200 || !res.body) {
      const body = await res.text().catch(() => '');
      // A bad key or a forbidden filter will not heal by retrying; too many streams or a 503 may.
      if ([400, 401, 403, 404].includes(res.status)) { status('refused', `${res.status} ${body}`); return 'refused'; }
      return 'again';
    }
    status('open');
    markOpen();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'again';
        for (const e of parser.push(value)) await apply(e);
      }
    } finally {
      reader.releaseLock();
    }
  }

  const loop = (async () => {
    last = await opts.cursor.load();
    let delay = firstRetry;
    while (!closed) {
      const parser = new SseParser();
      let outcome: 'again' | 'refused' = 'again';
      const openedBefore = Date.now();
      try {
        outcome = await connectOnce(parser);
      } catch (err) {
        if (closed) break;
        status('waiting', err instanceof Error ? err.message : String(err));
      }
      if (closed || outcome === 'refused') break;
      // A connection that stayed up a while was healthy: start the back-off again from the server's hint.
      if (Date.now() - openedBefore > 5_000) delay = parser.retryMs ?? firstRetry;
      const wait = Math.min(maxRetry, delay) * (0.5 + Math.random() / 2);
      status('waiting', `reconnecting in ${Math.round(wait)} ms`);
      await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, wait); });
      wake = null;
      delay = Math.min(maxRetry, delay * 2);
    }
    status('closed');
  })();

  return {
    opened,
    lastEventId: () => last,
    drop: () => current?.abort(),
    async close() {
      closed = true;
      current?.abort();
      wake?.();
      await loop;
    },
  };
}
