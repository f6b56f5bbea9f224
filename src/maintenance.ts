import type { Config } from './config.ts';
import type { Sql } from './db.ts';
import { pruneEvents } from './realtime/retention.ts';

/** Stored Idempotency-Key responses are kept IDEMPOTENCY_RETENTION_HOURS (at least 24). */
export async function pruneIdempotencyKeys(sql: Sql, retentionHours: number): Promise<number> {
  const rows = await sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${retentionHours}) returning 1`;
  return rows.length;
}

/** Gift card code misses only matter for a minute (the guessing throttle); keep an hour for operators. */
export async function pruneGiftCardMisses(sql: Sql): Promise<number> {
  const rows = await sql`delete from gift_card_misses where at < now() - interval '1 hour' returning 1`;
  return rows.length;
}

type Settings = Pick<Config, 'EVENT_RETENTION_HOURS' | 'IDEMPOTENCY_RETENTION_HOURS' | 'MAINTENANCE_INTERVAL_MS'>;

/**
 * The one maintenance loop: prunes the outbox, idempotency keys and gift card misses now and every
 * MAINTENANCE_INTERVAL_MS. A failed round is logged and retried next time, never fatal.
 * Returns a stop function.
 */
export function startMaintenance(sql: Sql, config: Settings, log: (m: string) => void = () => {}): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const events = await pruneEvents(sql, config.EVENT_RETENTION_HOURS);
      const keys = await pruneIdempotencyKeys(sql, config.IDEMPOTENCY_RETENTION_HOURS);
      await pruneGiftCardMisses(sql);
      if (events || keys) log(`pruned ${events} events and ${keys} idempotency keys`);
    } catch (err) {
      console.error(`[tillstream] maintenance failed (will retry): ${String(err)}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, config.MAINTENANCE_INTERVAL_MS);
  return () => clearInterval(timer);
}
