import type { Caller } from '../identity/caller.ts';
import { allows } from '../identity/policy.ts';
import { TEAM_EVENT_TYPES } from '../identity/teamEvents.ts';
import { PERSONAL_EVENT_TYPES } from '../notifications/events.ts';
import type { Db } from '../platform/database.ts';
import { webhookEventCatalogue } from '../webhooks/events.ts';

// Which events a stream (or a catch-up page) receives: its types, and the sites it follows. The rule
// exists once in two forms that must agree: `receives` for live fan-out (one set lookup per stream and
// event) and `reachSql` for the outbox reads (replay, GET /api/v1/events), so a stream that resumes
// gets exactly what it would have got live. test/events/locationStreams.test.ts holds both to the same cases.

/**
 * Event types that belong to one site: a kitchen or till at SOHO has no business with CAMDEN's orders.
 * Every other type is group-wide: points, customers, gift cards, settings and reconciliation are one
 * programme across the group, and a till must see a balance change wherever it happened.
 * A new event type is group-wide unless it is added here (test/realtime/reach.test.ts lists both kinds,
 * so adding a type to the catalogue fails until someone decides which it is).
 */
export const SITE_EVENT_TYPES: ReadonlySet<string> = new Set(['new_order', 'order_updated']);

export type Reach = {
  /** Only these types; null: every type. */
  readonly types: ReadonlySet<string> | null;
  /**
   * Only these sites' per-site events (group-wide events always pass); null: every site. A per-site
   * event with no location (an order a tenant-wide key placed without naming a site) belongs to no
   * site, so it reaches only streams that follow every site.
   */
  readonly sites: ReadonlySet<string> | null;
  /** Types this caller may never receive, whatever it asks for (hiddenFrom); null or absent: none. */
  readonly hidden?: ReadonlySet<string> | null;
  /**
   * The admin whose personal events (PERSONAL_EVENT_TYPES: the notification centre's, addressed by
   * data.adminId) this stream receives; null or absent: none at all. Only an admin session's own page
   * stream sets it, so a key, another admin, an event page and the Activity feed never see them.
   */
  readonly admin?: string | null;
};

/**
 * The team's events (admin_created, admin_updated, admin_deactivated) are the owners' business, as the
 * Team page is (admins.manage): a staff admin's or an API key's streams, event pages and activity feed
 * leave them out, live and on replay alike, even when it names them in `types`.
 */
export function hiddenFrom(caller: Caller): ReadonlySet<string> | null {
  return allows(caller.role, 'admins.manage', Boolean(caller.boundLocationId)) ? null : OWNERS_ONLY;
}

/** webhook_disabled joins them: it names an endpoint URL (which may carry a token), the owners' business like the Webhooks page. */
const OWNERS_ONLY: ReadonlySet<string> = new Set([...TEAM_EVENT_TYPES, ...Object.keys(webhookEventCatalogue)]);

/** Does a stream with this reach get this event? */
export function receives(reach: Reach, e: { type: string; locationId?: string | null; data?: any }): boolean {
  if (reach.types && !reach.types.has(e.type)) return false;
  if (reach.hidden?.has(e.type)) return false;
  if (PERSONAL_EVENT_TYPES.has(e.type)) return reach.admin != null && e.data?.adminId === reach.admin;
  if (reach.sites && SITE_EVENT_TYPES.has(e.type)) return e.locationId != null && reach.sites.has(e.locationId);
  return true;
}

/** The same rule as a condition on `events` (aliased or not: the columns are unqualified), `and …` or nothing. */
export function reachSql(sql: Db, reach: Reach) {
  const types = reach.types ? sql`and type = any(${[...reach.types]})` : sql``;
  const sites = reach.sites
    ? sql`and (type <> all(${[...SITE_EVENT_TYPES]}) or location_id = any(${[...reach.sites]}::uuid[]))`
    : sql``;
  const hidden = reach.hidden ? sql`and type <> all(${[...reach.hidden]})` : sql``;
  const personal = [...PERSONAL_EVENT_TYPES];
  const mine = reach.admin
    ? sql`and (type <> all(${personal}) or data->>'adminId' = ${reach.admin})`
    : sql`and type <> all(${personal})`;
  return sql`${types} ${sites} ${hidden} ${mine}`;
}
