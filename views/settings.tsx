import { FieldError, type FormState } from './shell/form.tsx';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type SettingsView = {
  name: string;
  currency: string;
  defaultCountry: string;
  earnPointsPerUnit: number;
  earnMinOrderCents: number;
  pointValueCents: number;
  pointsExpireAfterDays: number | null;
  corsOrigins: string[];
  timezone: string;
};

/** Suggestions for the time zone input (any IANA name is accepted; the server checks it). */
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

/** The browser origins, one a line: the API's `corsOrigins` (platform/cors.ts). */
function OriginsField(p: { state: FormState }) {
  const id = 'set-corsOrigins';
  return (
    <div class="field">
      <label for={id}>Browser tills allowed to call the API (origins)</label>
      <textarea id={id} name="corsOrigins" rows={3} autocomplete="off" spellcheck={false}
        aria-invalid={p.state.errors?.corsOrigins ? 'true' : undefined} aria-describedby={`${id}-hint ${id}-error`}>{p.state.values?.corsOrigins ?? ''}</textarea>
      <small id={`${id}-hint`} class="muted">One a line, exactly as the browser shows it, e.g. https://till.example.com (no path); empty allows none</small>
      <FieldError state={p.state} name="corsOrigins" id={`${id}-error`} />
    </div>
  );
}

function Field(p: { name: Exclude<keyof SettingsView, 'corsOrigins'>; label: string; hint: string; state: FormState; inputmode?: 'decimal' | 'numeric' | 'text'; list?: string }) {
  const id = `set-${p.name}`;
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <input id={id} name={p.name} inputmode={p.inputmode ?? 'text'} autocomplete="off" list={p.list} value={p.state.values?.[p.name] ?? ''}
        aria-invalid={p.state.errors?.[p.name] ? 'true' : undefined} aria-describedby={`${id}-hint ${id}-error`} />
      <small id={`${id}-hint`} class="muted">{p.hint}</small>
      <FieldError state={p.state} name={p.name} id={`${id}-error`} />
    </div>
  );
}

export function settingsValues(s: SettingsView): Record<string, string> {
  return {
    name: s.name, currency: s.currency, defaultCountry: s.defaultCountry, earnPointsPerUnit: String(s.earnPointsPerUnit),
    earnMinOrderCents: (s.earnMinOrderCents / 100).toFixed(2), pointValueCents: String(s.pointValueCents),
    pointsExpireAfterDays: s.pointsExpireAfterDays === null ? '' : String(s.pointsExpireAfterDays),
    corsOrigins: (s.corsOrigins ?? []).join('\n'),
    timezone: s.timezone,
  };
}

/**
 * The settings form, stamped with the event id its values reflect. A settings_updated event sends it
 * out of band (oob) so an open page shows another owner's change; the page script keeps half-typed
 * edits (data-keep-edits) and shows the stale notice instead of overwriting them.
 */
export function SettingsForm(p: { base: string; state: FormState; seq: number; oob?: boolean }) {
  const s = p.state;
  return (
    <form id="settings-form" class="card stack" hx-post={`${p.base}/settings`} hx-target="this" hx-swap="outerHTML"
      data-seq={String(p.seq)} data-keep-edits data-dirty={s.errors ? '1' : undefined} hx-swap-oob={p.oob ? 'true' : undefined}>
      <p class="notice" role="status" data-stale-notice hidden>
        Someone else changed these settings while you were editing. Saving keeps your values;{' '}
        <a href={`${p.base}/settings`}>reload</a> to see theirs.
      </p>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <Field name="name" label="Restaurant name" hint="Shown on these pages" state={s} />
      <Field name="earnPointsPerUnit" label="Points earned per whole currency unit" hint="e.g. 1 = one point per £1; 0 turns earning off" state={s} inputmode="decimal" />
      <Field name="earnMinOrderCents" label="Minimum order total to earn (in currency units)" hint="e.g. 5.00; orders below earn nothing" state={s} inputmode="decimal" />
      <Field name="pointValueCents" label="Value of one point at checkout (minor units)" hint="e.g. 1 = one point is worth 1p" state={s} inputmode="numeric" />
      <Field name="pointsExpireAfterDays" label="Points expire after (days)" hint="Empty: points never expire. Oldest points are spent first; points already held keep their date unless the box below is ticked" state={s} inputmode="numeric" />
      <label class="check">
        <input type="checkbox" name="applyToExistingPoints" value="true" />
        {' '}Also expire points customers already hold, counted from when they were earned (some may expire at once)
      </label>
      <FieldError state={s} name="applyToExistingPoints" />
      <Field name="defaultCountry" label="Default phone country" hint="ISO code such as GB or IE: numbers typed without +country use it" state={s} />
      <Field name="currency" label="Currency" hint="ISO 4217 code such as GBP or EUR" state={s} />
      <OriginsField state={s} />
      <Field name="timezone" label="Time zone" hint="IANA name such as Europe/London or America/New_York: times on these pages, today's figures and report days (a location's own zone wins for that site)" state={s} list="time-zones" />
      <datalist id="time-zones">{ZONES.map((z) => <option value={z} />)}</datalist>
      <button type="submit" class="btn">Save settings</button>
    </form>
  );
}

export function SettingsPage(p: { meta: PageMeta; settings: SettingsView }) {
  return (
    <Layout meta={p.meta} title="Settings" active="settings">
      <SettingsForm base={adminBase(p.meta.tenantSlug)} state={{ values: settingsValues(p.settings) }} seq={p.meta.seq} />
    </Layout>
  );
}
