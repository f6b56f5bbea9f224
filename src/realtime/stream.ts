import type { Caller } from '../identity/caller.ts';
import type { Hub, Opened, OpenOptions } from './hub.ts';
import type { Subscriber } from './subscriber.ts';

export type StreamRequest = {
  caller: Caller;
  types: Set<string> | null;
  /** Only these sites' per-site events (see reach.ts); null: every site. */
  sites: ReadonlySet<string> | null;
  /** A parsed resume id (see frame.ts parseResumeId); null starts live from now. */
  resume: number | 'invalid' | null;
  /** A format registered on the hub: 'json' (the envelope) or one a door registered. */
  format: string;
  /** The request's abort signal: the stream closes when the client goes. */
  signal: AbortSignal;
  /** A guest's stream: see OpenOptions.guest. */
  guest?: OpenOptions['guest'];
};

export type EventStream = {
  body: ReadableStream<Uint8Array>;
  /** Settles once the starting point is fixed; rejects when the tenant's outbox cannot be read. */
  started: Promise<void>;
  close: () => void;
};

export type StreamOpening = { ok: true; stream: EventStream } | Extract<Opened, { ok: false }>;

/**
 * A subscriber's byte stream: the response body whose controller the hub enqueues pre-encoded bytes on.
 * Its queue counts bytes, which is what makes a slow client visible (desiredSize < 0 once
 * SSE_CLIENT_QUEUE_BYTES wait behind the socket). Refused synchronously, before any byte, past the
 * per-key cap. The door turns this into an HTTP response.
 */
export function openStream(hub: Hub, req: StreamRequest): StreamOpening {
  let sub: Subscriber | null = null;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) { controller = c; },
      cancel() { if (sub) hub.close(sub, 'client'); },
    },
    { highWaterMark: hub.config.SSE_CLIENT_QUEUE_BYTES, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  // start() ran synchronously above, so the controller is there to hand the hub.
  const opened = hub.open({ caller: req.caller, types: req.types, sites: req.sites, format: req.format, resume: req.resume, sink: controller, guest: req.guest });
  if (!opened.ok) return opened;
  sub = opened.subscriber;
  const subscriber = sub;
  // cancel() may not fire for a half-closed socket; the request's abort signal does.
  const onAbort = () => hub.close(subscriber, 'client');
  if (req.signal.aborted) onAbort(); else req.signal.addEventListener('abort', onAbort, { once: true });
  return { ok: true, stream: { body, started: subscriber.started, close: () => hub.close(subscriber, 'error') } };
}
