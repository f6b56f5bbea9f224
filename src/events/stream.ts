import type { Context } from 'hono';
import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import { ApiError } from '../platform/errors.ts';
import { parseResumeId } from '../realtime/frame.ts';
import type { Hub } from '../realtime/hub.ts';
import { openStream } from '../realtime/stream.ts';
import { streamSites } from './sites.ts';

export type EventStreamOptions = {
  types: Set<string> | null;
  /** Sites named in `locations=` (see sites.ts parseLocations); null: none named. A bound caller follows its own. */
  locations?: string[] | null;
  /** From `Last-Event-ID` or `?lastEventId=`; null starts live from now. */
  lastEventId: string | null;
  /** A format registered on the hub; default 'json' (the envelope). */
  format?: string;
};

/**
 * The caller's tenant's events as an SSE response: the one way both doors open a stream (the API's
 * /api/v1/events/stream and the admin pages' /stream). 403 unless the policy allows `events.read`,
 * 403 location_mismatch / 404 for a site the caller may not follow (sites.ts), 429 too_many_streams past
 * the per-key cap, 503 events_unavailable when the outbox cannot be read.
 */
export async function eventStream(c: Context, hub: Hub, caller: Caller, opts: EventStreamOptions): Promise<Response> {
  authorize(caller, 'events.read');
  // A bound caller's filter needs no read; only named sites are looked up.
  const sites = await streamSites(hub.sql, caller, opts.locations ?? null);
  // Hono answers HEAD by running this GET handler and dropping the body without cancelling it, and the
  // request ends normally (no abort): a stream opened here would hold its slot for ever.
  if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: SSE_HEADERS });
  // Bun.serve closes a connection idle for idleTimeout seconds, even mid-response: switch that off for
  // this request (Hono on Bun passes the server as c.env). Heartbeats keep proxies from doing the same.
  const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
  if (typeof server?.timeout === 'function') server.timeout(c.req.raw, 0);

  const opening = openStream(hub, {
    caller, types: opts.types, sites, format: opts.format ?? 'json', resume: parseResumeId(opts.lastEventId),
  });
  if (!opening.ok) {
    throw new ApiError(429, 'too_many_streams',
      `At most ${opening.limit} event streams may be open per API key; close one first.`, { limit: opening.limit });
  }
  // Answer only once the starting point is fixed: a client that connects without an id and then sees
  // "open" must receive every event committed after that.
  try {
    await opening.stream.started;
  } catch {
    opening.stream.close();
    throw new ApiError(503, 'events_unavailable', 'The event stream is unavailable right now; retry shortly.');
  }
  return new Response(opening.stream.body, { status: 200, headers: SSE_HEADERS });
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
};
