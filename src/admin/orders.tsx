import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { openOrders, setOrderStatus } from '../orders/orders.ts';
import { OrderStatusRequest } from '../orders/schemas.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { Board, OrdersPage, type BoardRefusal } from '../../views/orders.tsx';
import { type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';
import { formFields, parseForm } from './forms.ts';

/**
 * A refused move as the board shows it: the problem's code and detail, the same words the API answers
 * with. Refusals that are not about the move (401, 403, 404, 5xx) stay on the one error path.
 */
function boardRefusal(err: unknown): { status: number; refusal: BoardRefusal } {
  const p = toProblem(err);
  if (p.status >= 500 || p.status === 401 || p.status === 403 || p.status === 404) throw err;
  return { status: p.status, refusal: { code: p.code, detail: p.detail } };
}

export function orderPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/orders', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => openOrders(tx, caller));
    return page(c, <OrdersPage meta={meta(c, seq)} orders={data} currency={c.get('session').currency} />);
  });

  app.get('/orders/board', async (c) => {
    const s = c.get('session');
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => openOrders(tx, caller));
    return fragment(c, <Board tz={zone(c)} orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} />);
  });

  // One click moves an order on: the same schema and the same setOrderStatus as POST /api/v1/orders/{id}/status.
  app.post('/orders/:id/status', async (c) => {
    const s = c.get('session');
    const caller = c.get('caller');
    const id = c.req.param('id');
    const parsed = parseForm(OrderStatusRequest, { status: (await formFields(c)).status });
    let outcome: { status: number; refusal?: BoardRefusal } = { status: 200 };
    if (parsed.errors) {
      outcome = { status: 422, refusal: { code: 'validation_failed', detail: parsed.errors.status ?? parsed.errors.form ?? 'Unknown status.' } };
    } else {
      try {
        await setOrderStatus(sql, caller, id, parsed.data);
      } catch (err) {
        outcome = boardRefusal(err);
      }
    }
    // The whole board comes back either way: the move may have raced another till's.
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => openOrders(tx, caller));
    return fragment(c, <Board tz={zone(c)} orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} refusal={outcome.refusal} />,
      outcome.status);
  });

  return app;
}
