import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { changingCredentials } from '../identity/credentialChanges.ts';

// The site an admin picked in the page header (admins.chosen_location_id). It is where that admin's
// writes happen when they name none (sessions.ts puts it in the Caller, where.ts uses it) and which site
// the dashboard shows. Null is a choice too: "All locations", the group.

export type SiteOption = { id: string; name: string; code: string; timeZone: string; archived: boolean };

/**
 * The tenant's sites for the header picker: every active one, and an archived one only when it is this
 * admin's current pick (archived after being picked), so the picker still says where the admin is.
 */
export async function siteOptions(db: Db, caller: Caller): Promise<SiteOption[]> {
  authorize(caller, 'locations.read');
  return db<SiteOption[]>`select id, name, code, time_zone as "timeZone", archived_at is not null as archived from locations
    where tenant_id = ${caller.tenantId} and (archived_at is null or id = ${caller.locationId ?? null}::uuid)
    order by name, seq`;
}

/**
 * Remember this admin's pick. A site must be the tenant's (404) and not archived (409
 * location_archived: it takes no new writes, so acting there would fail); an admin limited to one site
 * cannot pick another, nor the whole group (403 location_mismatch). Returns the pick.
 * The admin's session carries the pick and may be cached: each write runs in changingCredentials (pass
 * the pool, not a transaction, so the clear comes after its commit); sql/0029's trigger tells the others.
 */
export async function chooseLocation(db: Db, caller: Caller, locationId: string | null): Promise<string | null> {
  authorize(caller, 'locations.read');
  if (!caller.adminId) throw new ApiError(403, 'forbidden', 'Only an admin picks a location in the page header.');
  const bound = caller.boundLocationId ?? null;
  if (bound && locationId !== bound) {
    throw new ApiError(403, 'location_mismatch', 'You are limited to one location and cannot switch to another.',
      { boundLocationId: bound });
  }
  if (locationId === null) {
    await changingCredentials(() => db`update admins set chosen_location_id = null where id = ${caller.adminId} and tenant_id = ${caller.tenantId}`);
    return null;
  }
  if (!Id.safeParse(locationId).success) throw notFound('Location');
  // One statement: the site is checked and recorded together. A site archived a moment later is still
  // refused where it matters, at each write (where.ts share-locks the site and checks it there).
  const [picked] = await changingCredentials(() => db`update admins a set chosen_location_id = l.id from locations l
    where a.id = ${caller.adminId} and a.tenant_id = ${caller.tenantId}
      and l.tenant_id = ${caller.tenantId} and l.id = ${locationId} and l.archived_at is null
    returning l.id`);
  if (picked) return picked.id as string;
  const [site] = await db`select 1 from locations where tenant_id = ${caller.tenantId} and id = ${locationId}`;
  if (!site) throw notFound('Location');
  throw new ApiError(409, 'location_archived', 'This location is archived: pick another.', { locationId });
}
