import { Hono } from 'hono';
import { createKey, KeyName, listKeys, revokeKey } from '../identity/apiKeys.ts';
import type { Deps } from '../platform/deps.ts';
import { KeyForm, KeyRow, KeysPage, KeyTable, NewKey } from '../../views/keys.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';
import { formFields, parseForm } from './forms.ts';

/** API keys (owners only: the policy's apiKeys.manage, checked by the key functions themselves). */
export function keyPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/keys', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => listKeys(tx, caller));
    return page(c, <KeysPage meta={meta(c, seq)} keys={data} />);
  });

  app.post('/keys', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await listKeys(sql, caller); // refuse staff before looking at the form
    const parsed = parseForm(KeyName, f.name ?? '');
    if (parsed.errors) return fragment(c, <KeyForm base={base} name={f.name ?? ''} error={parsed.errors.form} />, 422);
    const key = await createKey(sql, caller, parsed.data);
    const keys = await listKeys(sql, caller);
    return fragment(c, <>
      <NewKey apiKey={key.apiKey} name={key.name} />
      <KeyForm base={base} />
      <KeyTable keys={keys} base={base} oob />
    </>);
  });

  app.post('/keys/:id/revoke', async (c) => {
    const caller = c.get('caller');
    const k = await revokeKey(sql, caller, c.req.param('id'));
    return fragment(c, <KeyRow k={k} base={adminBase(caller.tenantSlug)} />);
  });

  return app;
}
