import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../platform/deps.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { ApiError, toProblem } from '../platform/errors.ts';
import { generateGiftCardCode, normalizeGiftCardCode } from '../giftCards/code.ts';
import { CardPanel, GiftCardsPage, IssueForm, type GiftCardView, type RecentCard } from '../../views/giftCards.tsx';
import type { FormState } from '../../views/form.tsx';
import { money } from '../../views/format.ts';
import { adminBase } from '../../views/layout.tsx';
import { Board, OrdersPage, type OrderView } from '../../views/orders.tsx';
import { ReconciliationPage, ReconRow, type ReconItem } from '../../views/reconciliation.tsx';
import { formFields } from './forms.ts';
import { type AdminEnv, change, fragment, isUuid, meta, page, parsePoints, snapshot } from './context.ts';


export function reconciliationPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  // Reconciliation -------------------------------------------------------------------------------

  app.get('/reconciliation', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, async (tx) => {
      const rows = await tx`select reconciliation_json(r) as r from reconciliation_queue r
        where r.tenant_id = ${s.tenantId} and r.resolved_at is null order by r.seq desc limit 200`;
      return rows.map((x) => x.r as ReconItem);
    });
    return page(c, <ReconciliationPage meta={meta(c, seq)} items={data} currency={s.currency} />);
  });

  app.post('/reconciliation/:id/resolve', async (c) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const base = adminBase(s.tenantSlug);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Reconciliation item not found.');
    const f = await formFields(c);
    const [current] = await sql`select reconciliation_json(r) as r from reconciliation_queue r where r.tenant_id = ${s.tenantId} and r.id = ${id}`;
    if (!current) throw new ApiError(404, 'not_found', 'Reconciliation item not found.');
    const again = (errors: Record<string, string>) =>
      fragment(c, <ReconRow r={current.r} base={base} currency={s.currency} state={{ values: f, errors }} />, 422);
    if (!f.note) return again({ form: 'Say what was done.' });
    const points = f.points ? parsePoints(f.points, true) : null;
    if (typeof points === 'string') return again({ form: points });
    try {
      const { data } = await change(sql, s.tenantId, async (tx) => {
        const [{ r }] = await tx`select reconciliation_resolve(${s.tenantId}, ${id}, ${f.note}, ${points}, ${actor}) as r`;
        return r as ReconItem;
      });
      return fragment(c, <ReconRow r={data} base={base} currency={s.currency} />);
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500 || p.status === 404) throw err;
      return again({ form: p.detail });
    }
  });


  return app;
}
