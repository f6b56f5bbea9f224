import type { Caller } from '../identity/caller.ts';
import { actorLabelSql } from '../identity/actors.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { hiddenFrom, reachSql } from '../realtime/reach.ts';
import { streamSites } from './sites.ts';

// The activity feed: the outbox read as history, newest first, with who did each change. The admin
// Activity page words each entry (views/describe.ts); the stream adds new ones live.

/** Entries per page of the feed. */
export const FEED_PAGE = 50;

export type ActivityEntry = { id: number; type: string; data: unknown; actor: string; createdAt: string };

export type ActivityQuery = {
  /** Only events of this type; null for every type. */
  type: string | null;
  /** Keyset: only events before this id (the tenant's gap-free sequence); null for the newest. */
  before: number | null;
};

export async function activityFeed(db: Db, caller: Caller, query: ActivityQuery): Promise<{ entries: ActivityEntry[]; more: boolean }> {
  authorize(caller, 'events.read');
  const { type, before } = query;
  // A staff admin limited to a site sees its own site's orders only, as on its stream (no read needed).
  const sites = await streamSites(db, caller, null);
  const rows = await db`select e.id, e.type, e.data, iso(e.created_at) as "createdAt", ${actorLabelSql(db, 'e.actor')} as actor
    from events e where e.tenant_id = ${caller.tenantId}
      ${type ? db`and e.type = ${type}` : db``} ${before !== null ? db`and e.id < ${before}` : db``}
      ${reachSql(db, { types: null, sites, hidden: hiddenFrom(caller) })}
    order by e.id desc limit ${FEED_PAGE + 1}`;
  const entries = rows.slice(0, FEED_PAGE).map((r) => ({
    id: r.id as number, type: r.type as string, data: r.data as unknown, actor: r.actor as string, createdAt: r.createdAt as string,
  }));
  return { entries, more: rows.length > FEED_PAGE };
}
