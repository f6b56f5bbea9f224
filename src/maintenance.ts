import type { Config } from './config.ts';
import type { Sql } from './db.ts';

/**
 * Prune the outbox past EVENT_RETENTION_HOURS. Per tenant, the highest pruned id is recorded in the
 * same transaction as the delete, so a resume from before it is answered with `reset`, never with a
 * silent gap.
 */
export async function pruneEvents(sql: Sql, retentionHours: number): Promise<number> {
  return sql.begin(async (tx) => {
    const rows = await tx`
      with gone as (
        delete from events where created_at < now() - make_interval(hours => ${retentionHours})
        returning tenant_id, id
      ), per_tenant as (
        select tenant_id, max(id) as through, count(*) as n from gone group by tenant_id
      ), marked as (
        update tenant_counters c set events_pruned_through = greatest(c.events_pruned_through, p.through)
        from per_tenant p where c.tenant_id = p.tenant_id returning p.n
      )
      select coalesce(sum(n), 0)::int as n from marked`;
    return rows[0].n as number;
  });
}

/** Stored Idempotency-Key responses are kept IDEMPOTENCY_RETENTION_HOURS (at least 24). */
export async function pruneIdempotencyKeys(sql: Sql, retentionHours: number): Promise<number> {
  const rows = await sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${retentionHours}) returning 1`;
  return rows.length;
}

/** Runs every MAINTENANCE_INTERVAL_MS; returns a stop function. Failures are logged, never fatal. */
export function startMaintenance(sql: Sql, config: Config): () => void {
  const tick = async () => {
    try {
      await pruneEvents(sql, config.EVENT_RETENTION_HOURS);
      await pruneIdempotencyKeys(sql, config.IDEMPOTENCY_RETENTION_HOURS);
    } catch (err) {
      console.error('[tillstream] maintenance failed', err);
    }
  };
  const timer = setInterval(tick, config.MAINTENANCE_INTERVAL_MS);
  timer.unref?.();
  void tick();
  return () => clearInterval(timer);
}
