import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';

// Which sites' per-site events (new_order, order_updated: src/realtime/reach.ts) a stream or a
// catch-up page carries. Decided once, here, for both the SSE stream (both doors) and GET /api/v1/events.

/** More than any group has tills to name; keeps `= any($1)` small. */
export const MAX_LOCATIONS = 100;

/** `locations=a,b` → the ids named (null: none named). Blank entries are ignored; anything else must be an id. */
export function parseLocations(raw: string | null | undefined): string[] | null {
  if (!raw) return null;
  const ids = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!ids.length) return null;
  if (ids.length > MAX_LOCATIONS) throw invalid(`at most ${MAX_LOCATIONS} locations`);
  const bad = ids.find((id) => !Id.safeParse(id).success);
  if (bad !== undefined) throw invalid('comma-separated location ids');
  return ids;
}

function invalid(message: string) {
  return new ApiError(400, 'validation_failed', `locations: ${message}`, { errors: [{ path: 'locations', message }] });
}

/**
 * The sites a caller's stream follows:
 * - a caller bound to a site (a till's key, a staff admin limited to one) follows its own site, named
 *   or not; naming another site is 403 location_mismatch (group-wide events still reach it);
 * - any other caller follows the sites it names, or every site (null) when it names none;
 * - a named id that is not one of the tenant's locations (another tenant's, or none) is 404 whoever asks.
 * Archived sites may be named: their history is still readable.
 */
export async function streamSites(db: Db, caller: Caller, requested: string[] | null): Promise<ReadonlySet<string> | null> {
  const bound = caller.boundLocationId ?? null;
  if (requested?.length) {
    const rows = await db`select id from locations where tenant_id = ${caller.tenantId} and id = any(${requested}::uuid[])`;
    if (rows.length !== requested.length) throw notFound('Location');
    if (bound && requested.some((id) => id !== bound)) {
      throw new ApiError(403, 'location_mismatch',
        'This key (or admin) is bound to one location and receives only its own orders; it cannot follow another site.',
        { boundLocationId: bound });
    }
  }
  if (bound) return new Set([bound]);
  return requested?.length ? new Set(requested) : null;
}
