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

const STATUSES = new Set(['preparing', 'ready', 'completed', 'cancelled']);

/** Open orders (what the board shows): everything not yet completed or cancelled. */
async function openOrders(tx: Sql | Tx, tenantId: string): Promise<OrderView[]> {
  const rows = await tx`select order_json(o) as o from orders o
    where o.tenant_id = ${tenantId} and o.status in ('pending', 'preparing', 'ready')
    order by o.seq desc limit 300`;
  return rows.map((r) => r.o as OrderView);
}

export function orderPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  // Orders board ---------------------------------------------------------------------------------

  app.get('/orders', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return page(c, <OrdersPage meta={meta(c, seq)} orders={data} currency={s.currency} />);
  });

  app.get('/orders/board', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return fragment(c, <Board orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} />);
  });

  // One click advances: the same order_set_status the API uses (transitions are checked there).
  app.post('/orders/:id/status', async (c) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Order not found.');
    const status = (await formFields(c)).status ?? '';
    let error: string | undefined;
    if (!STATUSES.has(status)) error = 'Unknown status.';
    else {
      try {
        await sql`select order_set_status(${s.tenantId}, ${id}, ${status}, ${actor})`;
      } catch (err) {
        const p = toProblem(err);
        if (p.status >= 500 || p.status === 404) throw err;
        error = p.detail;
      }
    }
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return fragment(c, <Board orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} error={error} />);
  });


  return app;
}
