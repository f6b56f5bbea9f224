import type { Sql } from '../platform/database.ts';

/**
 * Delete outbox rows older than `hours`, per tenant as an id prefix, and raise the tenant's
 * events_pruned_through in the same statement (so the same transaction): a resume point below it is
 * answered with `reset`, never with a silent gap. A prefix (not "every old row") keeps what remains
 * contiguous even though created_at is the transaction's start, which is not in commit order.
 */
export async function pruneEvents(sql: Sql, hours: number): Promise<number> {
  const [row] = await sql`
    with cut as (
      select tenant_id, max(id) as through from events
      where created_at < now() - make_interval(hours => ${hours}) group by tenant_id
    ), gone as (
      delete from events e using cut where e.tenant_id = cut.tenant_id and e.id <= cut.through returning e.tenant_id
    ), marked as (
      update tenant_counters c set events_pruned_through = greatest(c.events_pruned_through, cut.through)
      from cut where c.tenant_id = cut.tenant_id returning 1
    )
    select (select count(*) from gone)::int as deleted, (select count(*) from marked)::int as tenants`;
  return row.deleted;
}
