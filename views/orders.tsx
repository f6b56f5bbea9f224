import { money, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';
import { ORDERS_CSS, OrdersTabs } from './orderHistory.tsx';

export type OrderItem = { name: string; quantity: number; unitPriceCents?: number };
export type OrderView = {
  id: string;
  orderNumber: number | string;
  source: string;
  orderType: string;
  status: string;
  customerName: string | null;
  customerPhone: string | null;
  totalCents: number;
  items: OrderItem[];
  specialInstructions: string | null;
  createdAt: string;
};

export const BOARD_COLUMNS = ['pending', 'preparing', 'ready'] as const;
const NEXT: Record<string, { status: string; label: string } | undefined> = {
  pending: { status: 'preparing', label: 'Start preparing' },
  preparing: { status: 'ready', label: 'Mark ready' },
  ready: { status: 'completed', label: 'Complete' },
};
const TITLES: Record<string, string> = { pending: 'New', preparing: 'Preparing', ready: 'Ready' };

export const columnId = (status: string) => `col-${status}`;

export function OrderCard(p: { tz: string; o: OrderView; base: string; currency: string; fresh?: boolean }) {
  const { o } = p;
  const next = NEXT[o.status];
  return (
    <article id={`order-${o.id}`} class={`order-card s-${o.status}${p.fresh ? ' flash new-order' : ''}`}
      data-beep={p.fresh ? '1' : undefined} aria-label={`Order ${o.orderNumber}`}>
      <header>
        <strong class="big"><a class="order-link" href={`${p.base}/orders/${o.id}`}>{o.orderNumber}</a></strong>
        <span class={`tag src-${o.source}`}>{o.source}</span>
        <span class="tag">{o.orderType.replace('_', ' ')}</span>
        <time class="muted" datetime={o.createdAt}>{when(o.createdAt, p.tz)}</time>
      </header>
      {o.customerName || o.customerPhone ? <p>{o.customerName ?? ''} <span class="mono muted">{o.customerPhone ?? ''}</span></p> : null}
      <ul class="items">
        {(o.items ?? []).map((i) => <li><strong>{i.quantity}×</strong> {i.name}</li>)}
      </ul>
      {o.specialInstructions ? <p class="note">⚠ {o.specialInstructions}</p> : null}
      <footer>
        <span>{money(o.totalCents, p.currency)}</span>
        {next ? (
          <button type="button" class="btn" hx-post={`${p.base}/orders/${o.id}/status`} hx-vals={JSON.stringify({ status: next.status })}
            hx-target="#board" hx-swap="outerMorph">{next.label}</button>
        ) : null}
        {o.status === 'pending' || o.status === 'preparing' ? (
          <button type="button" class="btn link danger" hx-post={`${p.base}/orders/${o.id}/status`}
            hx-vals={JSON.stringify({ status: 'cancelled' })} hx-confirm={`Cancel order ${o.orderNumber}?`}
            hx-target="#board" hx-swap="outerMorph">Cancel</button>
        ) : null}
      </footer>
    </article>
  );
}

/** A brand-new order, prepended to the "New" column by the new_order event (beeps on arrival). */
export function OrderCardOob(p: { tz: string; order: any; seq: number; base: string; currency: string }) {
  const d = p.order;
  const o: OrderView = {
    id: d.orderId, orderNumber: d.orderNumber, source: d.source ?? 'online', orderType: d.orderType ?? '',
    status: d.status ?? 'pending', customerName: d.customerName ?? null, customerPhone: d.customerPhone ?? null,
    totalCents: d.totalCents ?? 0, items: Array.isArray(d.items) ? d.items : [],
    specialInstructions: d.specialInstructions ?? null, createdAt: d.createdAt ?? new Date().toISOString(),
  };
  return (
    <div hx-swap-oob={`afterbegin:#${columnId(o.status)}`} data-seq={String(p.seq)}>
      <OrderCard tz={p.tz} o={o} base={p.base} currency={p.currency} fresh />
    </div>
  );
}

/** Why the last move was refused: the problem's code and detail, as the API would have answered. */
export type BoardRefusal = { code: string; detail: string };

/** The columns; refreshed as one fragment whenever any order changes status. */
export function Board(p: { tz: string; orders: OrderView[]; base: string; currency: string; seq: number; refusal?: BoardRefusal }) {
  return (
    <div id="board" class="board" hx-get={`${p.base}/orders/board`} hx-trigger="ts:order_updated from:body"
      hx-swap="outerMorph" data-seq={String(p.seq)}>
      {p.refusal ? <p class="field-error" role="alert" data-code={p.refusal.code}>{p.refusal.detail}</p> : null}
      {BOARD_COLUMNS.map((s) => {
        const list = p.orders.filter((o) => o.status === s);
        return (
          <section class="column" aria-labelledby={`h-${s}`}>
            <h2 id={`h-${s}`}>{TITLES[s]} <span class="count">{list.length}</span></h2>
            <div id={columnId(s)} class="cards" data-seq={String(p.seq)}>
              {list.map((o) => <OrderCard tz={p.tz} o={o} base={p.base} currency={p.currency} />)}
            </div>
          </section>
        );
      })}
    </div>
  );
}

export function OrdersPage(p: { meta: PageMeta; orders: OrderView[]; currency: string }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Orders" active="orders">
      <link rel="stylesheet" href={ORDERS_CSS} />
      <OrdersTabs base={base} active="board" />
      <p class="muted">New orders appear here at once with a sound. <button type="button" class="btn link" data-sound-test>Test sound</button></p>
      <Board tz={p.meta.tz} orders={p.orders} base={base} currency={p.currency} seq={p.meta.seq} />
    </Layout>
  );
}
