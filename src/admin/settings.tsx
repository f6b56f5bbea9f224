import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { SettingsPatch } from '../settings/schemas.ts';
import { settingsForEditing, updateSettings } from '../settings/settings.ts';
import { changingCredentials } from '../identity/credentialChanges.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { SettingsForm, SettingsPage, settingsValues } from '../../views/settings.tsx';
import { type AdminEnv, change, fragment, meta, page, snapshot } from './context.ts';
import { formFields, moneyField, numberField, parseForm, refusal } from './forms.ts';

/** The settings form's fields onto the API's SettingsPatch; fields left out are not changed. */
function patchFromForm(f: Record<string, string>) {
  return {
    name: f.name,
    currency: f.currency?.toUpperCase(),
    defaultCountry: f.defaultCountry?.toUpperCase(),
    earnPointsPerUnit: numberField(f.earnPointsPerUnit),
    earnMinOrderCents: moneyField(f.earnMinOrderCents),
    pointValueCents: numberField(f.pointValueCents),
    // Empty means never (null); a form without the field changes nothing. The box is an explicit opt-in.
    pointsExpireAfterDays: f.pointsExpireAfterDays === undefined ? undefined
      : f.pointsExpireAfterDays.trim() === '' ? null : numberField(f.pointsExpireAfterDays),
    applyToExistingPoints: f.applyToExistingPoints === 'true' ? true : undefined,
    // One origin a line; blank lines are nothing. Absent from the post: left as it is.
    corsOrigins: f.corsOrigins === undefined ? undefined : f.corsOrigins.split(/\r?\n/).map((o) => o.trim()).filter(Boolean),
    timezone: f.timezone?.trim() || undefined,
  };
}

export function settingsPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/settings', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => settingsForEditing(tx, caller));
    return page(c, <SettingsPage meta={meta(c, seq)} settings={data} />);
  });

  app.post('/settings', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await settingsForEditing(sql, caller); // refuse staff before judging the form
    const parsed = parseForm(SettingsPatch, patchFromForm(f), { earnMinOrderCents: 'An amount such as 5.00 (0 for none).' });
    // A refused form keeps what was typed (it renders as edited, so a live update does not overwrite it).
    if (parsed.errors) return fragment(c, <SettingsForm base={base} state={{ values: f, errors: parsed.errors }} seq={0} />, 422);
    try {
      // The same domain write as PATCH /api/v1/settings: it writes and emits settings_updated.
      // Cached sessions carry the name, currency and zone: forgotten here once the change commits.
      const { seq, data } = await changingCredentials(() => change(sql, caller.tenantId, (tx) => updateSettings(tx, caller, parsed.data)));
      // Stamped with its own event's id: when that event arrives on this page it is not applied twice.
      return fragment(c, <SettingsForm base={base} state={{ values: settingsValues(data), message: 'Settings saved.' }} seq={seq} />);
    } catch (err) {
      return fragment(c, <SettingsForm base={base} state={{ values: f, errors: refusal(err, 'form') }} seq={0} />, 422);
    }
  });

  return app;
}
