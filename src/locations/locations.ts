import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { assertKnownTimeZone } from '../platform/timeZones.ts';
import type { Location, LocationCreate, LocationPatch } from './schemas.ts';

// The locations domain, both doors: a group's sites. Sites are never deleted: archiving keeps their
// history (every row that names them) and stops new writes there (./where.ts).

function locationId(id: string): string {
  if (!Id.safeParse(id).success) throw notFound('Location');
  return id;
}

/** A unique (tenant, code) violation, said in words: codes are what tills and the CLI type. */
function codeTaken(err: unknown, code: string | undefined): never {
  const pg = err as { code?: string; constraint_name?: string };
  if (pg?.code === '23505' && code) {
    throw new ApiError(409, 'location_code_taken', `Another location already has the code ${code}.`, { locationCode: code });
  }
  throw err;
}

export async function listLocations(db: Db, caller: Caller): Promise<Location[]> {
  authorize(caller, 'locations.read');
  const rows = await db`select location_json(l) as l from locations l where tenant_id = ${caller.tenantId}
    order by l.archived_at is not null, l.name, l.seq`;
  return rows.map((r) => r.l as Location);
}

/** Every location, for the admin page that changes them: owners only (locations.manage), archived last. */
export async function locationsForEditing(db: Db, caller: Caller): Promise<Location[]> {
  authorize(caller, 'locations.manage');
  return listLocations(db, caller);
}

export async function getLocation(db: Db, caller: Caller, id: string): Promise<Location> {
  authorize(caller, 'locations.read');
  const [row] = await db`select location_json(l) as l from locations l where tenant_id = ${caller.tenantId} and id = ${locationId(id)}`;
  if (!row) throw notFound('Location');
  return row.l as Location;
}

/** A location's code → its id, for the CLI and the admin pages (null when the tenant has no such code). */
export async function locationByCode(db: Db, tenantId: string, code: string): Promise<{ id: string; archived: boolean } | null> {
  const [row] = await db`select id, archived_at is not null as archived from locations where tenant_id = ${tenantId} and code = ${code.toUpperCase()}`;
  return row ? { id: row.id as string, archived: row.archived as boolean } : null;
}

export async function createLocation(db: Db, caller: Caller, input: LocationCreate): Promise<Location> {
  authorize(caller, 'locations.manage');
  await assertKnownTimeZone(db, input.timeZone, 'timeZone');
  try {
    const [row] = await db`insert into locations (tenant_id, name, code, time_zone)
      values (${caller.tenantId}, ${input.name}, ${input.code}, ${input.timeZone}) returning location_json(locations) as l`;
    return row.l as Location;
  } catch (err) {
    return codeTaken(err, input.code);
  }
}

/** Rename, re-code, move to another zone, archive or bring back. */
export async function updateLocation(db: Db, caller: Caller, id: string, patch: LocationPatch): Promise<Location> {
  authorize(caller, 'locations.manage');
  if (patch.timeZone !== undefined) await assertKnownTimeZone(db, patch.timeZone, 'timeZone');
  try {
    const [row] = await db`update locations set
        name = coalesce(${patch.name ?? null}, name),
        code = coalesce(${patch.code ?? null}, code),
        time_zone = coalesce(${patch.timeZone ?? null}, time_zone),
        archived_at = case when ${patch.archived ?? null}::boolean is null then archived_at
                           when ${patch.archived ?? null}::boolean then coalesce(archived_at, now()) else null end,
        updated_at = now()
      where tenant_id = ${caller.tenantId} and id = ${locationId(id)}
      returning location_json(locations) as l`;
    if (!row) throw notFound('Location');
    return row.l as Location;
  } catch (err) {
    return codeTaken(err, patch.code);
  }
}
