import { Hono } from 'hono';
import { getLocation, locationsForEditing, createLocation, updateLocation } from '../locations/locations.ts';
import { LocationCreate, LocationPatch } from '../locations/schemas.ts';
import type { Deps } from '../platform/deps.ts';
import { ApiError, toProblem } from '../platform/errors.ts';
import { LocationCard, LocationList, LocationsPage, NewLocationForm, StaffList, StaffRow, locationValues } from '../../views/locations.tsx';
import { limitStaff, listStaff } from '../identity/admins.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';
import { type FieldErrors, formFields, parseForm, refusal } from './forms.ts';

/** The form's three fields, as the API's bodies name them (a blank field is refused by the schema, not skipped). */
const fromForm = (f: Record<string, string>) => ({ name: f.name ?? '', code: f.code ?? '', timeZone: f.timeZone ?? '' });

/**
 * A refusal of the domain as inline errors: a zone Postgres does not know names its field, a code in use
 * belongs under the code; anything else under the whole form (403 and 404 stay on the one error path).
 */
function locationRefusal(err: unknown): FieldErrors {
  const p = toProblem(err);
  const field = Array.isArray(p.errors) ? (p.errors as { path: string; message: string }[])[0] : undefined;
  if (p.status === 400 && field) return { [field.path]: field.message };
  return refusal(err, p.code === 'location_code_taken' ? 'code' : 'form');
}

/**
 * Locations (owners): the same createLocation/updateLocation as POST and PATCH /api/v1/locations, with
 * the same schemas. Each answer is the smallest fragment: the add form, or the one site's card.
 */
export function locationPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/locations', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) =>
      ({ locations: await locationsForEditing(tx, caller), staff: await listStaff(tx, caller) }));
    return page(c, <LocationsPage meta={meta(c, seq)} locations={data.locations} staff={data.staff} />);
  });

  app.post('/locations', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await locationsForEditing(sql, caller); // refuse staff before judging the form
    const parsed = parseForm(LocationCreate, fromForm(f));
    if (parsed.errors) return fragment(c, <NewLocationForm base={base} state={{ values: f, errors: parsed.errors }} />, 422);
    try {
      const made = await createLocation(sql, caller, parsed.data);
      const all = await locationsForEditing(sql, caller);
      const staff = await listStaff(sql, caller);
      return fragment(c, <>
        <NewLocationForm base={base} state={{ message: `${made.name} (${made.code}) added.` }} />
        <LocationList tz={zone(c)} base={base} locations={all} oob />
        <StaffList base={base} staff={staff} locations={all} oob />
      </>);
    } catch (err) {
      return fragment(c, <NewLocationForm base={base} state={{ values: f, errors: locationRefusal(err) }} />, 422);
    }
  });

  // Rename, re-code, change the zone: the whole card comes back, saved or as typed with its errors.
  app.post('/locations/:id', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await locationsForEditing(sql, caller);
    const current = await getLocation(sql, caller, c.req.param('id'));
    const parsed = parseForm(LocationPatch, fromForm(f));
    if (parsed.errors) return fragment(c, <LocationCard tz={zone(c)} base={base} l={current} state={{ values: f, errors: parsed.errors }} />, 422);
    try {
      const saved = await updateLocation(sql, caller, current.id, parsed.data);
      return fragment(c, <LocationCard tz={zone(c)} base={base} l={saved} state={{ values: locationValues(saved), message: 'Saved.' }} />);
    } catch (err) {
      return fragment(c, <LocationCard tz={zone(c)} base={base} l={current} state={{ values: f, errors: locationRefusal(err) }} />, 422);
    }
  });

  app.post('/locations/:id/:action{archive|restore}', async (c) => {
    const caller = c.get('caller');
    const archived = c.req.param('action') === 'archive';
    const saved = await updateLocation(sql, caller, c.req.param('id'), { archived });
    const message = archived ? 'Archived: its history stays, and it takes no new writes.' : 'Brought back: it takes writes again.';
    return fragment(c, <LocationCard tz={zone(c)} base={adminBase(caller.tenantSlug)} l={saved} state={{ values: locationValues(saved), message }} />);
  });

  // Limit a staff admin to one site, or free them: the same limit as `bun run cli admin limit`.
  app.post('/staff/:id/location', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    const staff = (await listStaff(sql, caller)).find((s) => s.id === c.req.param('id'));
    if (!staff) throw new ApiError(404, 'not_found', 'No such staff admin.');
    const locations = await locationsForEditing(sql, caller);
    const locationId = f.locationId || null;
    if (locationId && !locations.some((l) => l.id === locationId && !l.archived)) {
      return fragment(c, <StaffRow base={base} s={staff} locations={locations} error="Choose one of the active locations, or the whole group." />, 422);
    }
    try {
      const reach = await limitStaff(sql, caller, staff.id, locationId);
      const site = locations.find((l) => l.id === reach.locationId);
      const message = site ? `Limited to ${site.name}${reach.signedOut ? '; signed out everywhere' : ''}.` : 'Works for the whole group.';
      return fragment(c, <StaffRow base={base} s={{ ...staff, locationId: reach.locationId }} locations={locations} message={message} />);
    } catch (err) {
      return fragment(c, <StaffRow base={base} s={staff} locations={locations} error={refusal(err, 'locationId').locationId} />, 422);
    }
  });

  return app;
}
