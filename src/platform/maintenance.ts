import type { Config } from './config.ts';
import type { Sql } from './database.ts';
import { log } from './log.ts';
import { pruneEvents } from '../events/retention.ts';

/** Stored Idempotency-Key responses are kept IDEMPOTENCY_RETENTION_HOURS (at least 24). */
export async function pruneIdempotencyKeys(sql: Sql, retentionHours: number): Promise<number> {
  const rows = await sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${retentionHours}) returning 1`;
  return rows.length;
}

/**
 * The guessing throttles (gift card code misses: a minute; failed sign-ins: 15 minutes) only look back
 * a short window; keep an hour for operators, then forget.
 */
export async function pruneThrottles(sql: Sql): Promise<number> {
  const misses = await sql`delete from gift_card_misses where at < now() - interval '1 hour' returning 1`;
  const signIns = await sql`delete from admin_sign_in_failures where at < now() - interval '1 hour' returning 1`;
  return misses.length + signIns.length;
}

type Settings = Pick<Config, 'EVENT_RETENTION_HOURS' | 'IDEMPOTENCY_RETENTION_HOURS' | 'MAINTENANCE_INTERVAL_MS'>;

/**
 * The one maintenance loop: prunes the outbox, idempotency keys and the throttles' records now and every
 * MAINTENANCE_INTERVAL_MS. A failed round is logged and retried next time, never fatal.
 * Returns a stop function.
 */
export function startMaintenance(sql: Sql, config: Settings): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const events = await pruneEvents(sql, config.EVENT_RETENTION_HOURS);
      const keys = await pruneIdempotencyKeys(sql, config.IDEMPOTENCY_RETENTION_HOURS);
      await pruneThrottles(sql);
      if (events || keys) log.info(`pruned ${events} events and ${keys} idempotency keys`);
    } catch (err) {
      log.error(`maintenance failed (will retry): ${String(err)}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, config.MAINTENANCE_INTERVAL_MS);
  return () => clearInterval(timer);
}
