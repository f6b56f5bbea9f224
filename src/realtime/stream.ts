import type { Caller } from '../identity/caller.ts';
import type { Hub, Opened, OpenOptions } from './hub.ts';
import { DirectSink } from './directSink.ts';

export type StreamRequest = {
  caller: Caller;
  types: Set<string> | null;
  /** Only these sites' per-site events (see reach.ts); null: every site. */
  sites: ReadonlySet<string> | null;
  /** A parsed resume id (see frame.ts parseResumeId); null starts live from now. */
  resume: number | 'invalid' | null;
  /** A format registered on the hub: 'json' (the envelope) or one a door registered. */
  format: string;
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
 * A subscriber's byte stream: a Bun direct stream (directSink.ts) whose native sink the hub writes
 * pre-encoded bytes to. Its sink counts bytes the socket has not taken, which is what makes a slow
 * client visible (desiredSize < 0 once SSE_CLIENT_QUEUE_BYTES wait behind the socket). Refused
 * synchronously, before any byte, past the per-key cap. The door turns this into an HTTP response.
 */
export function openStream(hub: Hub, req: StreamRequest): StreamOpening {
  const sink = new DirectSink(hub.config.SSE_CLIENT_QUEUE_BYTES);
  const opened = hub.open({ caller: req.caller, types: req.types, sites: req.sites, format: req.format, resume: req.resume, sink, guest: req.guest });
  if (!opened.ok) return opened;
  const sub = opened.subscriber;
  // Bun calls cancel() when the client goes, whether before the body starts, mid-replay or half-closed
  // (test/realtime/slots.test.ts). The request's AbortSignal is not read: Bun creates one per request
  // only when asked, and at 10,000 idle streams it and its listener were a measurable share of each.
  sink.onCancel = () => hub.close(sub, 'client');
  // lib.dom's ReadableStream constructor type hides Bun's direct overload; construct it untyped.
  const body: ReadableStream<Uint8Array> = Reflect.construct(ReadableStream, [sink]);
  return { ok: true, stream: { body, started: sub.started, close: () => hub.close(sub, 'error') } };
}
