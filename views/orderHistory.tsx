import type { Order } from '../src/orders/schemas.ts';
import { FieldError, type FormState } from './shell/form.tsx';
import { money, when } from './shell/format.ts';
import { ASSETS, Layout, adminBase, type PageMeta } from './shell/layout.tsx';

// The orders board's History view: every order, searched by number, customer, phone or status over a
// date range, newest first, a page at a time. The same listOrders as GET /api/v1/orders.

/** The order pages' own styles, screen and print (history, detail, receipts). */
export const ORDERS_CSS = `${ASSETS}/orders.css`;

const STATUSES = ['pending', 'preparing', 'ready', 'completed', 'cancelled'] as const;

export type HistoryFilters = { q: string; status: string; from: string; to: string };
export type HistoryPage = { rows: Order[]; nextHref: string | null };

/** "Live board" and "History": the two views of the orders nav entry. */
export function OrdersTabs(p: { base: string; active: 'board' | 'history' }) {
  return (
    <nav class="tabs" aria-label="Orders views">
      <a href={`${p.base}/orders`} aria-current={p.active === 'board' ? 'page' : undefined}>Live board</a>
      <a href={`${p.base}/orders/history`} aria-current={p.active === 'history' ? 'page' : undefined}>History</a>
    </nav>
  );
}

function HistoryRow(p: { tz: string; o: Order; base: string; currency: string }) {
  const { o } = p;
  return (
    <tr id={`hist-${o.id}`}>
      <th scope="row" data-placed={when(o.createdAt, p.tz)}><a href={`${p.base}/orders/${o.id}`}>{o.orderNumber}</a></th>
      <td class="placed"><time datetime={o.createdAt}>{when(o.createdAt, p.tz)}</time></td>
      <td class="wrap">{o.customerName ?? (o.customerPhone ? '' : 'Walk-in')}</td>
      <td class="mono hide-narrow">{o.customerPhone ?? ''}</td>
      <td><span class={`tag st-${o.status}`}>{o.status}</span></td>
      <td class="right">{money(o.subtotalCents, p.currency)}</td>
    </tr>
  );
}

/** One page of rows and, when there is more, the row that fetches the next page in its place. */
export function HistoryRows(p: { tz: string; page: HistoryPage; base: string; currency: string }) {
  return (
    <>
      {p.page.rows.map((o) => <HistoryRow tz={p.tz} o={o} base={p.base} currency={p.currency} />)}
      {p.page.nextHref ? (
        <tr class="more">
          <td colspan={6}>
            <button type="button" class="btn secondary" hx-get={p.page.nextHref} hx-target="closest tr" hx-swap="outerHTML">Load more</button>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function HistoryResults(p: { tz: string; page: HistoryPage; base: string; currency: string; searched: boolean }) {
  return (
    <div id="order-results">
      <table class="grid">
        <caption class="sr-only">{p.searched ? 'Orders matching the search' : 'Orders, newest first'}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th><th scope="col" class="placed">Placed</th><th scope="col">Customer</th>
            <th scope="col" class="hide-narrow">Phone</th><th scope="col">Status</th><th scope="col" class="right">Subtotal</th>
          </tr>
        </thead>
        <tbody id="order-rows"><HistoryRows tz={p.tz} page={p.page} base={p.base} currency={p.currency} /></tbody>
      </table>
      {p.page.rows.length === 0 ? <p class="empty">{p.searched ? 'No order matches this search.' : 'No orders yet.'}</p> : null}
    </div>
  );
}

/** The search form: a plain GET form (works without script), whose changes swap only the results. */
function HistoryForm(p: { base: string; filters: HistoryFilters; state: FormState }) {
  const f = p.filters;
  // One queue for the whole form, the newest change replacing any search still in flight: an older
  // answer arriving late must not overwrite a newer one.
  const live = {
    'hx-get': `${p.base}/orders/history/results`, 'hx-target': '#order-results', 'hx-swap': 'outerHTML', 'hx-include': 'closest form',
    'hx-sync': 'closest form:replace',
  };
  return (
    <form id="history-form" class="history-form card" role="search" action={`${p.base}/orders/history`} method="get">
      <div class="field grow">
        <label for="history-q">Number, customer or phone</label>
        <input id="history-q" name="q" type="search" value={f.q} autocomplete="off" maxlength={100} placeholder="e.g. ORD-1042, Doe or 07700"
          {...live} hx-trigger="input changed delay:250ms, search" aria-describedby="history-q-error" />
        <FieldError state={p.state} name="q" id="history-q-error" />
      </div>
      <div class="field">
        <label for="history-status">Status</label>
        <select id="history-status" name="status" {...live} hx-trigger="change">
          <option value="" selected={!f.status}>Any</option>
          {STATUSES.map((s) => <option value={s} selected={f.status === s}>{s}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="history-from">From</label>
        <input id="history-from" name="from" type="date" value={f.from} {...live} hx-trigger="change" aria-describedby="history-from-error" />
        <FieldError state={p.state} name="from" id="history-from-error" />
      </div>
      <div class="field">
        <label for="history-to">To</label>
        <input id="history-to" name="to" type="date" value={f.to} {...live} hx-trigger="change" aria-describedby="history-to-error" />
        <FieldError state={p.state} name="to" id="history-to-error" />
      </div>
      <button type="submit" class="btn">Search</button>
    </form>
  );
}

export function HistoryPageView(p: { meta: PageMeta; page: HistoryPage; filters: HistoryFilters; state: FormState; currency: string }) {
  const base = adminBase(p.meta.tenantSlug);
  const searched = Boolean(p.filters.q || p.filters.status || p.filters.from || p.filters.to);
  return (
    <Layout meta={p.meta} title="Order history" active="orders">
      <link rel="stylesheet" href={ORDERS_CSS} />
      <OrdersTabs base={base} active="history" />
      <HistoryForm base={base} filters={p.filters} state={p.state} />
      <HistoryResults tz={p.meta.tz} page={p.page} base={base} currency={p.currency} searched={searched} />
    </Layout>
  );
}
