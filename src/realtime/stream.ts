import type { Context } from 'hono';
import type { Caller } from '../identity/caller.ts';
import { ApiError } from '../platform/errors.ts';
import { parseResumeId } from './frame.ts';
import type { Hub, Subscriber } from './hub.ts';

export type StreamOptions = {
  caller: Caller;
  types: Set<string> | null;
  /** From `Last-Event-ID` or `?lastEventId=`; null starts live from now. */
  lastEventId: string | null;
  /** A format registered on the hub; default 'json' (the envelope). */
  format?: string;
};

/**
 * An SSE response for the caller's tenant. The body is a ReadableStream whose controller the hub
 * enqueues pre-encoded bytes on; its byte-counting queue is what makes a slow client visible
 * (desiredSize < 0 once SSE_CLIENT_QUEUE_BYTES wait behind the socket).
 */
export async function sseResponse(c: Context, hub: Hub, opts: StreamOptions): Promise<Response> {
  // Bun.serve closes a connection idle for idleTimeout seconds, even mid-response: switch that off for
  // this request (Hono on Bun passes the server as c.env). Heartbeats keep proxies from doing the same.
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  if (typeof server?.timeout === 'function') server.timeout(c.req.raw, 0);

  const signal = c.req.raw.signal;
  let sub: Subscriber | null = null;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) { controller = c; },
      cancel() { if (sub) hub.close(sub, 'client'); },
    },
    { highWaterMark: hub.config.SSE_CLIENT_QUEUE_BYTES, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  // Throws ApiError 429 past the per-key cap, before any byte is sent (start() ran synchronously above).
  const opened = hub.open({
    caller: opts.caller, types: opts.types, format: opts.format ?? 'json',
    resume: parseResumeId(opts.lastEventId), sink: controller,
  });
  sub = opened;
  // Answer only once the starting point is fixed: a client that connects without an id and then sees
  // "open" must receive every event committed after that.
  try {
    await opened.started;
  } catch {
    hub.close(opened, 'error');
    throw new ApiError(503, 'events_unavailable', 'The event stream is unavailable right now; retry shortly.');
  }
  // cancel() may not fire for a half-closed socket; the request's abort signal does.
  const onAbort = () => { if (sub) hub.close(sub, 'client'); };
  if (signal.aborted) onAbort(); else signal.addEventListener('abort', onAbort, { once: true });

  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
    },
  });
}
