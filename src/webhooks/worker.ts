import type { Config } from '../platform/config.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { log } from '../platform/log.ts';
import { recordAttempt } from './log.ts';
import { deliveryBody, eventsAfter, wants } from './outbox.ts';
import { send, type Attempt } from './send.ts';
import { WebhookDisabled } from './events.ts';

// The delivery worker, one per instance, off the request path: a write commits and NOTIFYs as always;
// the listener's NOTIFY wakes this worker (Listener.onNotify), and a slow sweep (WEBHOOK_SWEEP_MS)
// picks up retries that come due.
//
// Each lane claims one due endpoint with `for update skip locked` and keeps that row locked, in one
// transaction, while it delivers a batch: another instance skips it, so one endpoint never has two
// deliveries in flight. It reads the outbox after the endpoint's cursor in id order, POSTs each event
// its filter takes, and advances the cursor at commit. An instance that dies mid-batch rolls back: the
// cursor stays, and the next claimant delivers those events again with the same Tillstream-Event-Id
// (at-least-once; receivers dedup by id).
//
// Order is kept per endpoint: a failing event blocks the ones behind it (head-of-line) until it
// succeeds or the endpoint is disabled. Retries back off exponentially with jitter from
// WEBHOOK_RETRY_BASE_MS, capped at WEBHOOK_RETRY_MAX_MS; an event failing for WEBHOOK_FAILURE_HORIZON_MS
// (default 24 h) disables the endpoint and emits `webhook_disabled`.

/**
 * Events one claim delivers at most, and how long it starts new ones: short claims share the lanes
 * fairly, and an owner's PATCH or DELETE, which waits for the row, waits at most this plus one delivery
 * (WEBHOOK_TIMEOUT_MS): well inside the statement timeout by default.
 */
const BATCH = 100;
const CLAIM_BUDGET_MS = 2000;

type Claimed = {
  id: string; tenant_id: string; url: string; secret: string; types: string[] | null; locations: string[] | null;
  cursor: number; attempts: number;
  /** The tenant's newest committed event id when claimed: every event up to it is committed and visible. */
  newest: number;
};

/** The wait before retry number `attempts` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(full / 2 + (random * full) / 2);
}

export class WebhookWorker {
  private static readonly all = new Set<WeakRef<WebhookWorker>>();
  private lanes = 0;
  private again = false;
  private stopped = true;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly running = new Set<Promise<void>>();
  /**
   * Tenants with an endpoint (or that had one), null until read. Every write NOTIFYs, and a claim per
   * NOTIFY was a whole transaction (BEGIN, claim, COMMIT) per write of a tenant with no endpoint at all:
   * the most common case, and 0.8 of a transaction per redemption. An events NOTIFY of a tenant not in
   * here wakes nothing. It only ever grows until the next read (start, every relisten); it learns an
   * endpoint registered in this process at once (watch), and one made elsewhere when a sweep claims it
   * or, for one registered on another instance, that instance (which hears every NOTIFY too) delivers.
   * So the set decides only how soon, never whether: the sweep claims for every tenant, as before.
   */
  private tenants: Set<string> | null = null;
  private reread = false;

  constructor(private readonly sql: Sql, private readonly config: Config) {
    WebhookWorker.all.add(new WeakRef(this));
  }

  /** An endpoint of this tenant was registered, resumed or rewound in this process: every worker here wakes for it. */
  static watch(tenantId: string) {
    for (const ref of WebhookWorker.all) {
      const worker = ref.deref();
      if (worker) worker.tenants?.add(tenantId); else WebhookWorker.all.delete(ref);
    }
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.config.WEBHOOK_SWEEP_MS);
    this.wake('');
  }

  /** Stops claiming; a delivery in flight finishes (or times out) and its batch commits. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.running]);
  }

  /**
   * Something may be due: run lanes until nothing is. `payload` is the listener's: `<tenant>:<seq>` for
   * an events NOTIFY (ignored when that tenant has no endpoint), '' after a (re)listen (NOTIFYs may have
   * been missed, endpoints too: read the tenants again). Without one (the sweep) every tenant is claimed.
   */
  wake(payload?: string) {
    if (this.stopped) return;
    if (payload === '') this.reread = true;
    else if (payload !== undefined && this.tenants) {
      const i = payload.indexOf(':');
      if (!this.tenants.has(i < 0 ? payload : payload.slice(0, i))) return;
    }
    this.again = true;
    while (this.lanes < this.config.WEBHOOK_CONCURRENCY) {
      this.lanes++;
      const lane: Promise<void> = this.lane()
        .catch((err) => log.warn(`webhook delivery: ${String(err)}`))
        .finally(() => { this.lanes--; this.running.delete(lane); });
      this.running.add(lane);
    }
  }

  private async lane() {
    while (this.again && !this.stopped) {
      this.again = false;
      if (this.reread) await this.readTenants();
      while (!this.stopped && await this.claimAndDeliver());
    }
  }

  /** Merged into what is known, never replacing it: a watch() while this read ran is kept. */
  private async readTenants() {
    this.reread = false;
    try {
      const rows = await this.sql`select distinct tenant_id from webhooks`;
      const tenants = this.tenants ?? new Set<string>();
      for (const r of rows) tenants.add(r.tenant_id);
      this.tenants = tenants;
    } catch (err) {
      this.reread = true;
      throw err;
    }
  }

  /** One claim: true when an endpoint was claimed (there may be more work), false when none is due. */
  async claimAndDeliver(): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const [w] = await tx`
        select id, tenant_id, url, secret, types, locations, cursor, attempts,
          (select event_seq from tenant_counters c where c.tenant_id = w.tenant_id) as newest
        from webhooks w
        where status = 'active' and next_attempt_at <= now()
          and cursor < (select event_seq from tenant_counters c where c.tenant_id = w.tenant_id)
        order by next_attempt_at limit 1
        for update skip locked`;
      if (!w) return false;
      this.tenants?.add(w.tenant_id);
      await this.deliverBatch(tx, w as Claimed);
      return true;
    });
  }

  private async deliverBatch(tx: Tx, w: Claimed) {
    const started = Date.now();
    let cursor = w.cursor;
    const events = await eventsAfter(tx, w.tenant_id, w.cursor, BATCH);
    let whole = events.length < BATCH;
    for (const event of events) {
      if (this.stopped || Date.now() - started > CLAIM_BUDGET_MS) { whole = false; break; }
      if (!wants(w, event)) { cursor = event.id; continue; }
      const attempt = await send(w.url, w.secret, event.id, deliveryBody(event), {
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS, allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
      });
      await recordAttempt(tx, { webhookId: w.id, tenantId: w.tenant_id, event, attempt: w.attempts + 1, kind: 'delivery' }, attempt);
      if (!attempt.succeeded) return this.failed(tx, w, cursor, event.id, attempt);
      cursor = event.id;
      w.attempts = 0;
    }
    // Read to the end: events up to `newest` that were not there had been pruned (an endpoint paused past
    // EVENT_RETENTION_HOURS), so the cursor passes them rather than claiming the endpoint forever.
    if (whole) cursor = Math.max(cursor, w.newest);
    // Behind the other due endpoints in the claim order, so one busy endpoint does not starve the rest.
    await tx`update webhooks set cursor = ${cursor}, attempts = 0, failing_since = null, next_attempt_at = now() where id = ${w.id}`;
  }

  /** The head event failed: back off, or disable once it has failed for the whole horizon. */
  private async failed(tx: Tx, w: Claimed, cursor: number, eventId: number, a: Attempt) {
    const attempts = w.attempts + 1;
    const delay = backoffMs(attempts, this.config.WEBHOOK_RETRY_BASE_MS, this.config.WEBHOOK_RETRY_MAX_MS);
    const reason = a.error ?? `HTTP ${a.responseCode}`;
    const [row] = await tx`
      update webhooks set cursor = ${cursor}, attempts = ${attempts}, failing_since = coalesce(failing_since, now()),
        next_attempt_at = clock_timestamp() + make_interval(secs => ${delay / 1000}),
        status = case when coalesce(failing_since, now()) <= clock_timestamp() - make_interval(secs => ${this.config.WEBHOOK_FAILURE_HORIZON_MS / 1000})
          then 'disabled' else status end,
        updated_at = now()
      where id = ${w.id}
      returning status, iso(failing_since) as failing_since`;
    if (row.status !== 'disabled') return;
    await tx`update webhooks set disabled_at = now(), disabled_reason = ${reason.slice(0, 500)} where id = ${w.id}`;
    const data = WebhookDisabled.parse({ webhookId: w.id, url: w.url, eventId: String(eventId), failingSince: row.failing_since, attempts, reason: reason.slice(0, 500) });
    await tx`select emit_event(${w.tenant_id}, 'webhook_disabled', ${tx.json(data)}, 'system:webhooks')`;
    log.warn(`webhook ${w.id} disabled after failing for ${this.config.WEBHOOK_FAILURE_HORIZON_MS} ms: ${reason}`);
  }
}
