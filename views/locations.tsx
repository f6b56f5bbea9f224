import type { FormState } from './shell/form.tsx';
import { FieldError } from './shell/form.tsx';
import { when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type LocationView = { id: string; name: string; code: string; timeZone: string; archived: boolean; archivedAt: string | null };

/** The form's values for a location as it is stored. */
export const locationValues = (l: LocationView): Record<string, string> => ({ name: l.name, code: l.code, timeZone: l.timeZone });

const ZONES_LIST = 'time-zones';

/** Zone names to pick from as you type (the server still has the last word: Postgres's own list). */
function TimeZones() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return <datalist id={ZONES_LIST}>{zones.map((z) => <option value={z} />)}</datalist>;
}

function Field(p: { id: string; name: 'name' | 'code' | 'timeZone'; label: string; state: FormState; hint?: string }) {
  const invalid = p.state.errors?.[p.name];
  return (
    <div class="stack">
      <label for={p.id}>{p.label}</label>
      <input id={p.id} name={p.name} autocomplete="off" value={p.state.values?.[p.name] ?? ''} required
        maxlength={p.name === 'code' ? 12 : p.name === 'name' ? 100 : 64} list={p.name === 'timeZone' ? ZONES_LIST : undefined}
        class={p.name === 'code' ? 'mono' : undefined} spellcheck={p.name === 'name' ? undefined : false}
        aria-invalid={invalid ? 'true' : undefined} aria-describedby={`${p.id}-error${p.hint ? ` ${p.id}-hint` : ''}`} />
      {p.hint ? <small id={`${p.id}-hint`} class="muted">{p.hint}</small> : null}
      <FieldError state={p.state} name={p.name} id={`${p.id}-error`} />
    </div>
  );
}

/** Add a site. Comes back cleared (with a success line) after a create, or as typed with inline errors. */
export function NewLocationForm(p: { base: string; state?: FormState }) {
  const s = p.state ?? {};
  return (
    <form id="location-form" class="card stack" hx-post={`${p.base}/locations`} hx-target="this" hx-swap="outerHTML">
      <h2>Add a location</h2>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <div class="forms3">
        <Field id="new-location-name" name="name" label="Name" state={s} hint="e.g. Soho" />
        <Field id="new-location-code" name="code" label="Code" state={s} hint="2 to 12 letters or digits, e.g. SOHO" />
        <Field id="new-location-timeZone" name="timeZone" label="Time zone" state={s} hint="IANA name, e.g. Europe/London" />
      </div>
      <div class="row"><button type="submit" class="btn">Add location</button></div>
    </form>
  );
}

/**
 * One site, editable in place: rename, re-code, change its zone, archive or bring back. Its form
 * answers with this card again (saved, or as typed with inline errors).
 */
export function LocationCard(p: { tz: string; base: string; l: LocationView; state?: FormState }) {
  const { l } = p;
  const s: FormState = p.state ?? { values: locationValues(l) };
  const id = `loc-${l.id}`;
  return (
    <article id={id} class="card stack" data-archived={l.archived ? '1' : undefined}>
      <form class="stack" hx-post={`${p.base}/locations/${l.id}`} hx-target="closest article" hx-swap="outerHTML"
        aria-label={`Location ${l.name}`}>
        <div class="row wrap">
          <h3>{l.name} <span class="tag mono">{l.code}</span></h3>
          {l.archived ? <span class="tag">archived {l.archivedAt ? when(l.archivedAt, p.tz) : ''}</span> : null}
        </div>
        {s.message ? <p class="ok" role="status">{s.message}</p> : null}
        <FieldError state={s} name="form" />
        <div class="forms3">
          <Field id={`${id}-name`} name="name" label="Name" state={s} />
          <Field id={`${id}-code`} name="code" label="Code" state={s} />
          <Field id={`${id}-timeZone`} name="timeZone" label="Time zone" state={s} />
        </div>
        <div class="row wrap">
          <button type="submit" class="btn secondary">Save</button>
          {/* Archiving changes only that: an edit typed above and not saved is dropped, not saved with it. */}
          {l.archived ? (
            <button type="button" class="btn secondary" hx-post={`${p.base}/locations/${l.id}/restore`}
              hx-target="closest article" hx-swap="outerHTML">Bring back</button>
          ) : (
            <button type="button" class="btn link danger" hx-post={`${p.base}/locations/${l.id}/archive`}
              hx-confirm={`Archive ${l.name}? Its history stays; tills bound to it can no longer record anything there.`}
              hx-target="closest article" hx-swap="outerHTML">Archive</button>
          )}
        </div>
      </form>
    </article>
  );
}

export function LocationList(p: { tz: string; base: string; locations: LocationView[]; oob?: boolean }) {
  return (
    <section id="location-list" aria-label="Locations" hx-swap-oob={p.oob ? 'true' : undefined}>
      {p.locations.length ? (
        <div class="cards">
          {p.locations.map((l) => <LocationCard tz={p.tz} base={p.base} l={l} />)}
        </div>
      ) : <p class="empty">No locations yet: this restaurant works as one site until you add one.</p>}
    </section>
  );
}

export type StaffView = { id: string; email: string; locationId: string | null; deactivated: boolean };

/**
 * One staff admin's reach: the whole group, or one active site. Narrowing it signs them out (their open
 * pages were showing more), which the hint says before they save.
 */
export function StaffRow(p: { base: string; s: StaffView; locations: LocationView[]; message?: string; error?: string }) {
  const { s } = p;
  const id = `staff-${s.id}`;
  const sites = p.locations.filter((l) => !l.archived || l.id === s.locationId);
  return (
    <form id={id} class="card stack" hx-post={`${p.base}/staff/${s.id}/location`} hx-target="this" hx-swap="outerHTML">
      <label for={`${id}-location`}>{s.email}{s.deactivated ? ' (deactivated)' : ''}</label>
      <div class="row wrap">
        <select id={`${id}-location`} name="locationId" aria-invalid={p.error ? 'true' : undefined} aria-describedby={`${id}-error`}>
          <option value="">Whole group</option>
          {sites.map((l) => <option value={l.id} selected={s.locationId === l.id}>{l.name} ({l.code})</option>)}
        </select>
        <button type="submit" class="btn secondary">Save</button>
      </div>
      {p.message ? <p class="ok" role="status">{p.message}</p> : null}
      {p.error ? <p id={`${id}-error`} class="field-error" role="alert">{p.error}</p> : null}
    </form>
  );
}

/** Sent again (out of band) when a site is added, so every select offers it. */
export function StaffList(p: { base: string; staff: StaffView[]; locations: LocationView[]; oob?: boolean }) {
  return (
    <section id="staff-list" aria-labelledby="staff-heading" hx-swap-oob={p.oob ? 'true' : undefined}>
      <h2 id="staff-heading">Staff limited to a site</h2>
      <p class="muted">
        A limited staff admin works at that site only: what they do is recorded there, and their orders board and
        order lists show its orders. Customers and balances stay group-wide. Limiting someone signs them out.
      </p>
      {p.staff.length
        ? <div class="cards">{p.staff.map((s) => <StaffRow base={p.base} s={s} locations={p.locations} />)}</div>
        : <p class="empty">No staff admins yet (bun run cli admin create … --role staff).</p>}
    </section>
  );
}

/**
 * The group's sites (owners). Not live: changing a site emits no event, so another owner's change shows
 * after Refresh or a reload; this owner's own changes come back in place.
 */
export function LocationsPage(p: { meta: PageMeta; locations: LocationView[]; staff: StaffView[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Locations" active="locations">
      <p class="muted">
        The group's sites. Points and gift cards work at every site; each till's key is bound to one (see API keys),
        and every write records where it happened. Archived sites keep their history and take no new writes.
      </p>
      <TimeZones />
      <NewLocationForm base={base} />
      <h2>Sites</h2>
      <LocationList tz={p.meta.tz} base={base} locations={p.locations} />
      <StaffList base={base} staff={p.staff} locations={p.locations} />
    </Layout>
  );
}
