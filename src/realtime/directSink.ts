import type { Sink } from './subscriber.ts';

/** What Bun hands a direct stream's pull(): its native HTTP response sink. write() returns the bytes taken, or a promise when the socket pushes back (the bytes are buffered either way). */
type DirectController = Pick<ReadableStreamDirectController, 'write' | 'flush' | 'end'>;

/**
 * A response body's sink as a Bun direct stream (`type: 'direct'`): bytes go straight to Bun's native
 * response sink, with no JS ReadableStream queue, controller or per-chunk promises behind each stream
 * (half the memory of an idle stream, README "Fan-out benchmark").
 *
 * A direct stream has no desiredSize, so slow-client detection counts bytes instead: `write` returns a
 * promise when the socket pushes back (Bun 1.4: once its buffer and the kernel's are full), and those
 * bytes count as queued until the promise settles. desiredSize = limit − queued, the same rule as the
 * byte-counting queue it replaces (backPressure.ts). Bytes written before Bun starts the body (the
 * `retry:` hint, the first replay frames) wait in a small array and count too.
 */
export class DirectSink implements Sink {
  // No closures per stream: the sink is also the stream's underlying source (`type`, `pull`, `cancel`
  // live on the prototype), and the pending pull() is kept as its two settle functions.
  readonly type = 'direct' as const;
  private ctl: DirectController | null = null;
  private early: Uint8Array[] | null = [];
  private queued = 0;
  private ended: 'close' | 'error' | null = null;
  private settle: { resolve: () => void; reject: (reason?: unknown) => void } | null = null;
  /** Called once when Bun cancels the body: the client went (before the body started, mid-replay, or half-closed). */
  onCancel: (() => void) | null = null;

  constructor(private readonly limit: number) {}

  get desiredSize() { return this.limit - this.queued; }

  /** Bun's pull(): pending until the stream ends; rejecting it resets the socket (a slow client's buffer is discarded). */
  pull(ctl: DirectController): Promise<void> {
    this.ctl = ctl;
    const early = this.early ?? [];
    this.early = null;
    this.queued = 0;
    for (const bytes of early) this.push(ctl, bytes);
    // No reason object: Bun prints any error a response body ends with, and a slow drop is routine.
    if (this.ended === 'error') return Promise.reject(undefined);
    if (this.ended === 'close') { ctl.end(); return Promise.resolve(); }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.settle = { resolve, reject };
    return promise;
  }

  cancel() {
    this.ended ??= 'close';
    this.settle = null;
    const gone = this.onCancel;
    this.onCancel = null;
    gone?.();
  }

  enqueue(bytes: Uint8Array) {
    if (this.ended) throw new TypeError('stream closed');
    if (this.ctl) this.push(this.ctl, bytes);
    else { this.early!.push(bytes); this.queued += bytes.byteLength; }
  }

  close() { this.end('close'); }

  error(_reason?: unknown) { this.end('error'); }

  private end(how: 'close' | 'error') {
    if (this.ended) return;
    this.ended = how;
    this.early = null;
    const settle = this.settle;
    this.settle = null;
    this.onCancel = null;
    if (!settle) return;
    if (how === 'error') return settle.reject(undefined);
    try { this.ctl?.end(); } catch { /* the client already went */ }
    settle.resolve();
  }

  private push(ctl: DirectController, bytes: Uint8Array) {
    const taken = ctl.write(bytes);
    ctl.flush();
    if (typeof taken === 'number') return;
    const n = bytes.byteLength;
    this.queued += n;
    taken.then(() => { this.queued -= n; }, () => { this.queued -= n; });
  }
}
