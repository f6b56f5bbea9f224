import { Hono } from 'hono';
import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import type { Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { listOrders } from '../orders/orders.ts';
import { orderDetail } from '../orders/orderDetail.ts';
import { OrderListQuery } from '../orders/schemas.ts';
import { OrderDetailPage } from '../../views/orderDetail.tsx';
import { HistoryPageView, HistoryResults, HistoryRows, type HistoryFilters, type HistoryPage } from '../../views/orderHistory.tsx';
import { ReceiptPage } from '../../views/receipt.tsx';
import type { FieldErrors } from './forms.ts';
import { parseForm } from './forms.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminContext, type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';

// The orders nav entry's History view, one order's page and its printable receipts. The search is
// listOrders (GET /api/v1/orders), the order page and receipts orderDetail (GET /api/v1/orders/{id}/detail).

const PAGE_SIZE = 50;

const filtersOf = (c: AdminContext): HistoryFilters => ({
  q: (c.req.query('q') ?? '').trim(), status: c.req.query('status') ?? '', from: c.req.query('from') ?? '', to: c.req.query('to') ?? '',
});

/**
 * A page of history for the form's fields, validated with the API's schema (a blank field is no
 * filter). Refusals come back as field errors with no rows: a bad date or a range ending before it
 * starts is the person's to fix, shown under the field, as the API's 400 would name it.
 */
async function historyPage(db: Db, caller: Caller, base: string, f: HistoryFilters, cursor?: string):
  Promise<{ page: HistoryPage; errors?: FieldErrors }> {
  const none = { page: { rows: [], nextHref: null } };
  const input = { q: f.q || undefined, status: f.status || undefined, from: f.from || undefined, to: f.to || undefined, limit: PAGE_SIZE, cursor };
  const parsed = parseForm(OrderListQuery, input);
  if (parsed.errors) return { ...none, errors: parsed.errors };
  try {
    const { data, nextCursor } = await listOrders(db, caller, parsed.data);
    const more = { q: f.q, status: f.status, from: f.from, to: f.to, cursor: nextCursor ?? '' };
    return { page: { rows: data, nextHref: nextCursor ? `${base}/orders/history/rows?${new URLSearchParams(more)}` : null } };
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return { ...none, errors: { [fieldOf(err)]: err.detail.replace(/^\w+: /, '') } };
    throw err;
  }
}

const fieldOf = (err: ApiError) => {
  const errors = (err.extra as { errors?: { path?: string }[] } | undefined)?.errors;
  return errors?.[0]?.path ?? 'q';
};

export function orderHistoryPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/orders/history', async (c) => {
    const caller = c.get('caller');
    const f = filtersOf(c);
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => historyPage(tx, caller, adminBase(caller.tenantSlug), f));
    const state = { values: f, errors: data.errors };
    return page(c, <HistoryPageView meta={meta(c, seq)} page={data.page} filters={f} state={state} currency={c.get('session').currency} />,
      data.errors ? 400 : 200);
  });

  // What the form swaps in as it changes; errors show as the empty table's message.
  app.get('/orders/history/results', async (c) => {
    const caller = c.get('caller');
    const f = filtersOf(c);
    const base = adminBase(caller.tenantSlug);
    const { page: rows, errors } = await historyPage(sql, caller, base, f);
    const searched = Boolean(f.q || f.status || f.from || f.to);
    const results = <HistoryResults tz={zone(c)} page={rows} base={base} currency={c.get('session').currency} searched={searched} />;
    if (!errors) return fragment(c, results);
    return fragment(c, <div id="order-results"><p class="field-error" role="alert">{Object.values(errors)[0]}</p></div>);
  });

  // "Load more": the next page of rows in place of the button's row.
  app.get('/orders/history/rows', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const { page: rows, errors } = await historyPage(sql, caller, base, filtersOf(c), c.req.query('cursor') || undefined);
    if (errors) throw new ApiError(400, 'validation_failed', Object.values(errors)[0] ?? 'Bad search.');
    return fragment(c, <HistoryRows tz={zone(c)} page={rows} base={base} currency={c.get('session').currency} />);
  });

  app.get('/orders/:id', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => orderDetail(tx, caller, c.req.param('id')));
    return page(c, <OrderDetailPage meta={meta(c, seq)} detail={data} currency={c.get('session').currency} />);
  });

  app.get('/orders/:id/receipt', async (c) => {
    const caller = c.get('caller');
    const s = c.get('session');
    const kind = c.req.query('view') === 'kitchen' ? 'kitchen' : 'customer';
    const detail = await orderDetail(sql, caller, c.req.param('id'));
    return page(c, <ReceiptPage tz={zone(c)} detail={detail} kind={kind} tenantSlug={s.tenantSlug} tenantName={s.tenantName} currency={s.currency} />);
  });

  return app;
}
