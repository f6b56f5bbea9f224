import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { getItem, listItems, resolveItem } from '../reconciliation/reconciliation.ts';
import { ReconciliationResolve } from '../reconciliation/schemas.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { ReconciliationPage, ReconRow } from '../../views/reconciliation.tsx';
import { type AdminEnv, change, fragment, meta, page, snapshot, zone } from './context.ts';
import { formFields, numberField, optionalText, parseForm } from './forms.ts';

/** The most open items the page lists (the API's largest page). */
const PAGE_LIMIT = 200;

/** The resolve form's fields onto the API's ReconciliationResolve: a blank points field is no correction. */
function resolveFromForm(f: Record<string, string>) {
  const points = optionalText(f.points);
  return { note: f.note ?? '', points: points === undefined ? undefined : numberField(points) };
}

export function reconciliationPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/reconciliation', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId,
      (tx) => listItems(tx, caller, { status: 'open', limit: PAGE_LIMIT, cursor: undefined }));
    return page(c, <ReconciliationPage meta={meta(c, seq)} items={data.data} currency={c.get('session').currency} />);
  });

  // The same schema and the same resolveItem as POST /api/v1/reconciliation/{id}/resolve.
  app.post('/reconciliation/:id/resolve', async (c) => {
    const s = c.get('session');
    const caller = c.get('caller');
    const base = adminBase(s.tenantSlug);
    const id = c.req.param('id');
    const f = await formFields(c);
    const current = await getItem(sql, caller, id); // an unknown item is the one error path's 404
    const parsed = parseForm(ReconciliationResolve, resolveFromForm(f));
    if (parsed.errors) {
      return fragment(c, <ReconRow tz={zone(c)} r={current} base={base} currency={s.currency} state={{ values: f, errors: parsed.errors }} />, 422);
    }
    try {
      const { data } = await change(sql, caller.tenantId, (tx) => resolveItem(tx, caller, id, parsed.data));
      return fragment(c, <ReconRow tz={zone(c)} r={data} base={base} currency={s.currency} />);
    } catch (err) {
      // A refusal by the domain (already resolved, no customer, not enough points) in the API's own words,
      // under the item as it now stands (someone else may have just resolved it).
      const p = toProblem(err);
      if (p.status >= 500 || p.status === 401 || p.status === 403 || p.status === 404) throw err;
      const latest = await getItem(sql, caller, id);
      return fragment(c, <ReconRow tz={zone(c)} r={latest} base={base} currency={s.currency} state={{ values: f }}
        refusal={{ code: p.code, detail: p.detail }} />, p.status);
    }
  });

  return app;
}
