import type { CloseReason, Sink, Subscriber } from './subscriber.ts';

// The slow-client rules, in one place. A sink counts the bytes its socket has not taken (directSink.ts),
// so desiredSize < 0 means more than SSE_CLIENT_QUEUE_BYTES wait behind a socket that is not taking them.

export type WriteOutcome = 'written' | 'slow' | 'gone';

const behind = (sink: Sink) => (sink.desiredSize ?? 0) < 0;

/**
 * Enqueue bytes, unless the client is already past its limit ('slow': drop it; it reconnects and
 * resumes by id). Checked before the write, so one large frame never drops a client that keeps up; the
 * queue is bounded by the limit plus one frame. 'gone': the runtime already closed the stream.
 */
export function write(sink: Sink, bytes: Uint8Array): WriteOutcome {
  if (behind(sink)) return 'slow';
  try {
    sink.enqueue(bytes);
    return 'written';
  } catch {
    return 'gone';
  }
}

/**
 * Buffer a live frame while the stream is still replaying. False once the buffer passes `limit` bytes:
 * a replay that cannot keep up with live traffic drops the client rather than grow without bound.
 */
export function hold(sub: Subscriber, id: number, bytes: Uint8Array, limit: number): boolean {
  sub.pending.push({ id, bytes });
  sub.pendingBytes += bytes.byteLength;
  return sub.pendingBytes <= limit;
}

/**
 * A replay is read at the client's pace: wait (up to ~10 s) for its queue to come back under the limit
 * rather than drop it. False when it did not, or the stream closed meanwhile.
 */
export async function drained(sub: Subscriber): Promise<boolean> {
  for (let i = 0; i < 1000 && !sub.closed; i++) {
    if (!behind(sub.sink)) return true;
    await Bun.sleep(10);
  }
  return false;
}

/** End the response body the way the reason calls for. */
export function endSink(sink: Sink, reason: CloseReason) {
  try {
    // A slow client's queue is full: error() discards it and resets the socket now; close() would
    // wait for the queue to drain first. No reason object: Bun prints any error a response body ends
    // with, and a slow drop is routine (counted in /metrics; a replay failure is logged by the hub).
    if (reason === 'slow' || reason === 'error') sink.error(undefined);
    else if (reason !== 'client') sink.close();
  } catch { /* already closed by the runtime */ }
}
