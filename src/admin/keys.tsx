import { Hono } from 'hono';
import { createKey, KeyCreate, listKeys, revokeKey } from '../identity/apiKeys.ts';
import type { Caller } from '../identity/caller.ts';
import { listLocations } from '../locations/locations.ts';
import type { Db } from '../platform/database.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { KeyForm, KeyRow, KeysPage, KeyTable, NewKey, type SiteOption } from '../../views/keys.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';
import { formFields, parseForm, refusal } from './forms.ts';

/** The sites a new key may be bound to: the active ones (an archived site takes no new writes). */
async function activeSites(db: Db, caller: Caller): Promise<SiteOption[]> {
  return (await listLocations(db, caller)).filter((l) => !l.archived).map((l) => ({ id: l.id, name: l.name, code: l.code }));
}

/** API keys (owners only: the policy's apiKeys.manage, checked by the key functions themselves). */
export function keyPages(deps: LiveDeps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/keys', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({ keys: await listKeys(tx, caller), sites: await activeSites(tx, caller) }));
    return page(c, <KeysPage meta={meta(c, seq)} keys={data.keys} sites={data.sites} />);
  });

  app.post('/keys', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await listKeys(sql, caller); // refuse staff before looking at the form
    const sites = await activeSites(sql, caller);
    const again = (errors: Record<string, string>) =>
      fragment(c, <KeyForm base={base} sites={sites} values={f} errors={errors} />, 422);
    // A blank site is a tenant-wide key; anything else must be one of the sites the select offered.
    const parsed = parseForm(KeyCreate, { name: f.name ?? '', locationId: f.locationId || undefined });
    if (parsed.errors) return again(parsed.errors);
    if (parsed.data.locationId && !sites.some((s) => s.id === parsed.data.locationId)) {
      return again({ locationId: 'Choose one of the active locations, or the whole group.' });
    }
    let key;
    try {
      key = await createKey(sql, caller, parsed.data);
    } catch (err) {
      return again(refusal(err, 'locationId')); // archived between the page and the click
    }
    const keys = await listKeys(sql, caller);
    const site = sites.find((s) => s.id === key.locationId);
    return fragment(c, <>
      <NewKey apiKey={key.apiKey} name={key.name} site={site} />
      <KeyForm base={base} sites={sites} />
      <KeyTable tz={zone(c)} keys={keys} base={base} oob />
    </>);
  });

  app.post('/keys/:id/revoke', async (c) => {
    const caller = c.get('caller');
    const k = await revokeKey(sql, caller, c.req.param('id'));
    // This instance need not wait for its own NOTIFY: the next request already finds the key revoked.
    deps.hub.credentialsChanged();
    return fragment(c, <KeyRow tz={zone(c)} k={k} base={adminBase(caller.tenantSlug)} />);
  });

  return app;
}
