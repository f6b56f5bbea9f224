import type { Client, Outcome } from './client.ts';
import type { Conflict, QueuedWrite, QueueState, QueueStore } from './queueStore.ts';
import type { AnyWrite, Write, WriteName, WriteResults } from './writes.ts';

// The till keeps selling while the API is unreachable. Every write goes through this queue: it is
// stored (with its Idempotency-Key) BEFORE it is first sent, sent in order, and removed only once the
// server has answered for good. Whatever happens between (a dropped connection mid-request, a 503, the
// till restarting) the same write is sent again with the same key, so the server applies it exactly
// once (a repeat gets the stored answer, `Idempotent-Replayed: true`).
//
// Order: while anything is queued, a new write queues behind it rather than overtaking it, so writes
// apply in the order the till made them (an earn before the redemption it pays for).
//
// A refusal (4xx) of a write that had been queued is a conflict: the world changed meanwhile (another
// till spent the points). It is stored with the write and the problem, handed to `onConflict`, and kept
// until the till calls `acknowledge(seq)`: never dropped, not even by a restart.

export type Submitted<N extends WriteName> =
  | { status: 'applied'; value: WriteResults[N]; replayed: boolean }
  | { status: 'refused'; httpStatus: number; problem: Conflict['problem'] }
  | { status: 'queued'; seq: number };

export type Applied = { seq: number; write: AnyWrite; value: unknown; replayed: boolean };

export type OfflineQueueOptions = {
  client: Pick<Client, 'send'>;
  store: QueueStore;
  onApplied?: (applied: Applied) => void;
  onConflict?: (conflict: Conflict) => void;
  onOnline?: (online: boolean) => void;
  /** Wait between replay attempts when the server gave no Retry-After. */
  retryMs?: number;
  maxRetryMs?: number;
};

export class OfflineQueue {
  private state!: QueueState;
  private loaded: Promise<void>;
  private draining: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delay: number;
  private stopped = false;
  private saving: Promise<void> = Promise.resolve();
  // Submitters still waiting for their write's answer, by seq. Until the queue goes offline a refusal
  // goes back to them (the till shows it at once); after that it is a conflict.
  private waiters = new Map<number, (s: Submitted<WriteName>) => void>();
  online = true;

  constructor(private opts: OfflineQueueOptions) {
    this.delay = opts.retryMs ?? 1000;
    this.loaded = opts.store.load().then((s) => {
      this.state = s;
      // A till restarted with writes still queued: send them now.
      if (s.pending.length) this.schedule(0);
    });
  }

  /**
   * Send a write, or queue it when the server cannot be reached. Online, the answer is the server's:
   * applied, or refused (a refusal the till shows at once). Offline it resolves `queued` at once, and
   * the outcome arrives later through `onApplied` / `onConflict`.
   */
  async submit<N extends WriteName>(write: Write<N>): Promise<Submitted<N>> {
    await this.loaded;
    const item: QueuedWrite = { seq: this.state.nextSeq++, queuedAt: new Date().toISOString(), write: write as AnyWrite };
    this.state.pending.push(item);
    // Stored before it is first sent: from here on a crash, a restart or a lost answer replays it.
    await this.persist();
    if (!this.online || this.stopped) return { status: 'queued', seq: item.seq };
    const answer = new Promise<Submitted<WriteName>>((resolve) => this.waiters.set(item.seq, resolve));
    void this.flush();
    return (await answer) as Submitted<N>;
  }

  /** Writes still waiting for the server, oldest first. */
  async pending(): Promise<QueuedWrite[]> { await this.loaded; return [...this.state.pending]; }

  /** Conflicts not yet acknowledged. */
  async conflicts(): Promise<Conflict[]> { await this.loaded; return [...this.state.conflicts]; }

  /** The till has shown the conflict to a person (or resolved it): forget it. */
  async acknowledge(seq: number) {
    await this.loaded;
    this.state.conflicts = this.state.conflicts.filter((c) => c.seq !== seq);
    await this.persist();
  }

  /** Replay now (e.g. the till's network came back) instead of at the next retry. */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.draining ??= this.drain().finally(() => { this.draining = null; });
    return this.draining;
  }

  /** Resolves once nothing is queued, or after `ms`. */
  async idle(ms = 60_000) {
    const end = Date.now() + ms;
    while (Date.now() < end && (this.state.pending.length > 0 || this.draining)) await new Promise((r) => setTimeout(r, 20));
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.releaseWaiters();
  }

  // One sender at a time, always the oldest write first: that is what keeps the till's order, and
  // what keeps two copies of one write from racing each other (409 idempotency_key_in_use).
  private async drain() {
    await this.loaded;
    while (!this.stopped && this.state.pending.length) {
      const item = this.state.pending[0];
      const outcome = await this.opts.client.send(item.write);
      if (outcome.kind === 'unavailable') return this.goOffline(outcome.retryAfterMs);
      await this.settle(item, outcome);
    }
    this.delay = this.opts.retryMs ?? 1000;
    this.setOnline(true);
  }

  private async settle(item: QueuedWrite, outcome: Exclude<Outcome<unknown>, { kind: 'unavailable' }>) {
    this.state.pending = this.state.pending.filter((p) => p.seq !== item.seq);
    const waiter = this.waiters.get(item.seq);
    this.waiters.delete(item.seq);
    if (outcome.kind === 'refused' && !waiter) {
      const conflict: Conflict = { seq: item.seq, queuedAt: item.queuedAt, refusedAt: new Date().toISOString(),
        write: item.write, status: outcome.status, problem: outcome.problem };
      this.state.conflicts.push(conflict);
      await this.persist();
      this.opts.onConflict?.(conflict);
      return;
    }
    await this.persist();
    if (outcome.kind === 'ok') {
      if (waiter) waiter({ status: 'applied', value: outcome.value as WriteResults[WriteName], replayed: outcome.replayed });
      else this.opts.onApplied?.({ seq: item.seq, write: item.write, value: outcome.value, replayed: outcome.replayed });
    } else {
      waiter?.({ status: 'refused', httpStatus: outcome.status, problem: outcome.problem });
    }
  }

  // Saves run one after another, each of a snapshot taken when it was asked for: two overlapping saves
  // (a submit while the sender settles a write) could otherwise land out of order and leave the older state.
  private persist(): Promise<void> {
    const snapshot = structuredClone(this.state);
    this.saving = this.saving.catch(() => {}).then(() => this.opts.store.save(snapshot));
    return this.saving;
  }

  private releaseWaiters() {
    for (const [seq, resolve] of this.waiters) resolve({ status: 'queued', seq });
    this.waiters.clear();
  }

  private goOffline(retryAfterMs: number | null) {
    this.setOnline(false);
    // Everyone waiting gets "queued" now: the till carries on selling, and hears later.
    this.releaseWaiters();
    const wait = retryAfterMs ?? this.delay * (0.5 + Math.random() / 2);
    this.delay = Math.min(this.opts.maxRetryMs ?? 30_000, this.delay * 2);
    this.schedule(wait);
  }

  private schedule(ms: number) {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, ms);
  }

  private setOnline(online: boolean) {
    if (online !== this.online) { this.online = online; this.opts.onOnline?.(online); }
  }
}
