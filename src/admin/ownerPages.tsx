import { Hono, type MiddlewareHandler } from 'hono';
import { getCountries } from 'libphonenumber-js';
import { createApiKey, listApiKeys, revokeApiKey } from '../apiKeys.ts';
import type { Deps } from '../deps.ts';
import { ApiError, toProblem } from '../errors.ts';
import { KeyForm, KeyRow, KeysPage, KeyTable, NewKey, type KeyView } from '../../views/keys.tsx';
import { adminBase } from '../../views/layout.tsx';
import { SettingsForm, SettingsPage, settingsValues, type SettingsView } from '../../views/settings.tsx';
import { type AdminEnv, change, formFields, fragment, isUuid, meta, page, snapshot } from './context.ts';

const COUNTRIES = new Set<string>(getCountries());

/** Keys and settings change what every terminal does: owners only. */
const ownerOnly: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.get('session').role !== 'owner') {
    throw new ApiError(403, 'forbidden', 'Only an owner can manage API keys and settings.');
  }
  await next();
};

/** Form strings → the patch settings_update takes, or field errors. Same bounds as PATCH /api/v1/settings. */
export function settingsPatch(f: Record<string, string>): { patch: Record<string, unknown> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const patch: Record<string, unknown> = {};
  if (f.name !== undefined) {
    if (!f.name || f.name.length > 200) errors.name = 'Enter a name of 1 to 200 characters.';
    else patch.name = f.name;
  }
  if (f.currency !== undefined) {
    const v = f.currency.toUpperCase();
    if (!/^[A-Z]{3}$/.test(v)) errors.currency = 'Use a three-letter code such as GBP.';
    else patch.currency = v;
  }
  if (f.defaultCountry !== undefined) {
    const v = f.defaultCountry.toUpperCase();
    if (!COUNTRIES.has(v)) errors.defaultCountry = 'Use a two-letter country code such as GB.';
    else patch.defaultCountry = v;
  }
  if (f.earnPointsPerUnit !== undefined) {
    const v = Number(f.earnPointsPerUnit);
    if (!/^\d+(\.\d{1,4})?$/.test(f.earnPointsPerUnit) || v > 1000) errors.earnPointsPerUnit = 'A number from 0 to 1000, at most 4 decimals.';
    else patch.earnPointsPerUnit = v;
  }
  if (f.earnMinOrderCents !== undefined) {
    if (!/^\d{1,6}(\.\d{1,2})?$/.test(f.earnMinOrderCents)) errors.earnMinOrderCents = 'An amount such as 5.00 (0 for none).';
    else patch.earnMinOrderCents = Math.round(Number(f.earnMinOrderCents) * 100);
  }
  if (f.pointValueCents !== undefined) {
    const v = Number(f.pointValueCents);
    if (!/^\d{1,6}$/.test(f.pointValueCents) || v < 1 || v > 100_000) errors.pointValueCents = 'A whole number from 1 to 100000.';
    else patch.pointValueCents = v;
  }
  return Object.keys(errors).length ? { errors } : { patch };
}

export function ownerPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();
  app.use('/keys', ownerOnly);
  app.use('/keys/*', ownerOnly);
  app.use('/settings', ownerOnly);
  app.use('/settings/*', ownerOnly);

  app.get('/keys', async (c) => {
    const { tenantId } = c.get('caller');
    const { seq, data } = await snapshot(sql, tenantId, (tx) => listApiKeys(tx as never, tenantId));
    return page(c, <KeysPage meta={meta(c, seq)} keys={data as unknown as KeyView[]} />);
  });

  app.post('/keys', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const name = (await formFields(c)).name ?? '';
    if (!name || name.length > 100) {
      return fragment(c, <KeyForm base={base} name={name} error="Give the key a name of 1 to 100 characters." />, 422);
    }
    const key = await createApiKey(sql, tenantId, name);
    const keys = (await listApiKeys(sql, tenantId)) as unknown as KeyView[];
    return fragment(c, <>
      <NewKey apiKey={key.apiKey} name={key.name} />
      <KeyForm base={base} />
      <KeyTable keys={keys} base={base} oob />
    </>);
  });

  app.post('/keys/:id/revoke', async (c) => {
    const { tenantId } = c.get('caller');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Key not found.');
    await revokeApiKey(sql, tenantId, id);
    const keys = (await listApiKeys(sql, tenantId)) as unknown as KeyView[];
    const k = keys.find((x) => x.id === id);
    if (!k) throw new ApiError(404, 'not_found', 'Key not found.');
    return fragment(c, <KeyRow k={k} base={adminBase(c.get('session').tenantSlug)} />);
  });

  app.get('/settings', async (c) => {
    const { tenantId } = c.get('caller');
    const { seq, data } = await snapshot(sql, tenantId, async (tx) => {
      const [row] = await tx`select tenant_settings_json(t) as s from tenants t where id = ${tenantId}`;
      return row.s as SettingsView;
    });
    return page(c, <SettingsPage meta={meta(c, seq)} settings={data} />);
  });

  app.post('/settings', async (c) => {
    const { tenantId, actor } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const f = await formFields(c);
    const parsed = settingsPatch(f);
    // A refused form keeps what was typed (it renders as edited, so a live update does not overwrite it).
    if ('errors' in parsed) return fragment(c, <SettingsForm base={base} state={{ values: f, errors: parsed.errors }} seq={0} />, 422);
    try {
      // The same SQL function as PATCH /api/v1/settings: it writes and emits settings_updated.
      const { seq, data } = await change(sql, tenantId, async (tx) => {
        const [{ s }] = await tx`select settings_update(${tenantId}, ${tx.json(parsed.patch as never)}, ${actor}) as s`;
        return s as SettingsView;
      });
      // Stamped with its own event's id: when that event arrives on this page it is not applied twice.
      return fragment(c, <SettingsForm base={base} state={{ values: settingsValues(data), message: 'Settings saved.' }} seq={seq} />);
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      return fragment(c, <SettingsForm base={base} state={{ values: f, errors: { form: p.detail } }} seq={0} />, 422);
    }
  });

  return app;
}
