import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';

// What a report covers: one site or the whole group, and the zone its days are in: the site's own zone,
// else the tenant's (settings `timezone`).
//
// A caller bound to one site (a till's key, a staff admin limited to a location) sees its own site's
// figures only, never the group's: a site's till or manager has no business with the other sites'
// takings, and the group total less their own would give those away. Customers and balances stay
// group-wide (a till needs them to serve a guest from another site); trading figures do not.

export type ReportScope = {
  /** The site reported, or null for the group. */
  locationId: string | null;
  tz: string;
  /** The group of a tenant that has locations: add the per-location rows. */
  breakdown: boolean;
  /** A tenant without locations gets exactly the report it had before they existed. */
  hasLocations: boolean;
  /** The site's name, for a page to say whose figures it shows. */
  name: string | null;
};

type Site = { id: string; name: string; timeZone: string };

/**
 * The site (bound caller's own, else the one asked for, else none: the group) and the zone: `tz` when
 * given, else the site's own; for the group the tenant's own zone (settings `timezone`). Another site
 * for a bound caller is 403 location_mismatch; a site that is not the tenant's is 404. Archived sites
 * still report (their history is kept).
 */
export async function reportScope(db: Db, caller: Caller, requested: string | undefined, tz: string | undefined): Promise<ReportScope> {
  const bound = caller.boundLocationId ?? null;
  if (bound && requested && requested !== bound) {
    throw new ApiError(403, 'location_mismatch', 'This key (or admin) is bound to a location and can only see its own reports.',
      { boundLocationId: bound });
  }
  const [sites, [tenant]] = await Promise.all([
    db<Site[]>`select id, name, time_zone as "timeZone" from locations where tenant_id = ${caller.tenantId}`,
    db<{ timeZone: string }[]>`select time_zone as "timeZone" from tenants where id = ${caller.tenantId}`,
  ]);
  const id = bound ?? requested ?? null;
  if (id) {
    const site = sites.find((s) => s.id === id);
    if (!site) throw notFound('Location');
    return { locationId: id, tz: tz ?? site.timeZone, breakdown: false, hasLocations: true, name: site.name };
  }
  // The group's days are the tenant's (sql/0021): one zone the owner chose, whatever zones the sites are in.
  return { locationId: null, tz: tz ?? tenant?.timeZone ?? 'UTC', breakdown: sites.length > 0, hasLocations: sites.length > 0, name: null };
}
