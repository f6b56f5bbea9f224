import type { OrderDetail } from '../src/orders/schemas.ts';
import { money, signed, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';
import { ORDERS_CSS, OrdersTabs } from './orderHistory.tsx';

// One order, everything it moved: items and totals, its status changes with who made each, the points
// ledger rows and the gift card movements it wrote. The same orderDetail as GET /api/v1/orders/{id}/detail.

const ORDER_TYPE: Record<string, string> = { delivery: 'Delivery', collection: 'Collection', dine_in: 'Dine in' };
export const orderTypeLabel = (t: string) => ORDER_TYPE[t] ?? t;

/** Who made a change: the name the detail read resolved, else the raw actor, else "System". */
const actorLabel = (h: { actor: string | null; actorName?: string | null }) => h.actorName ?? h.actor ?? 'System';

function Totals(p: { d: OrderDetail; currency: string }) {
  const o = p.d.order;
  return (
    <dl class="totals">
      <dt>Subtotal</dt><dd>{money(o.subtotalCents, p.currency)}</dd>
      {o.pointsDiscountCents ? <><dt>Points ({o.pointsRedeemed})</dt><dd>−{money(o.pointsDiscountCents, p.currency)}</dd></> : null}
      {o.giftCardCents ? <><dt>Gift card</dt><dd>−{money(o.giftCardCents, p.currency)}</dd></> : null}
      <dt class="total">To pay</dt><dd class="total">{money(o.totalCents, p.currency)}</dd>
      {o.pointsEarned ? <><dt>Points earned</dt><dd>{o.pointsEarned}</dd></> : null}
    </dl>
  );
}

export function OrderDetailPage(p: { meta: PageMeta; detail: OrderDetail; currency: string }) {
  const base = adminBase(p.meta.tenantSlug);
  const { order: o, statusHistory, ledger, giftCardActivity } = p.detail;
  return (
    <Layout meta={p.meta} title={`Order ${o.orderNumber}`} active="orders">
      <link rel="stylesheet" href={ORDERS_CSS} />
      <div class="no-print"><OrdersTabs base={base} active="history" /></div>
      <div class="order-head">
        <span class={`tag st-${o.status}`} id="order-status">{o.status}</span>
        <span class="tag">{o.source}</span>
        <span class="tag">{orderTypeLabel(o.orderType)}</span>
        <time datetime={o.createdAt}>{when(o.createdAt, p.meta.tz)}</time>
        <span class="grow"></span>
        <span class="actions no-print">
          <a class="btn secondary" href={`${base}/orders/${o.id}/receipt?view=kitchen`}>Kitchen ticket</a>
          <a class="btn secondary" href={`${base}/orders/${o.id}/receipt?view=customer`}>Customer receipt</a>
        </span>
      </div>
      <div class="order-detail">
        <section class="card" aria-labelledby="h-items">
          <h2 id="h-items">Items</h2>
          {o.customerName || o.customerPhone ? (
            <p>
              {o.customerId ? <a href={`${base}/customers/${o.customerId}`}>{o.customerName ?? 'Customer'}</a> : o.customerName}
              {' '}<span class="mono muted">{o.customerPhone ?? ''}</span>
            </p>
          ) : <p class="muted">Walk-in (no customer)</p>}
          <table class="lines">
            <tbody>
              {o.items.map((i) => (
                <tr><td class="qty">{i.quantity}×</td><td class="wrap">{i.name}</td><td class="right">{money(i.lineTotalCents, p.currency)}</td></tr>
              ))}
            </tbody>
          </table>
          {o.specialInstructions ? <p class="note">⚠ {o.specialInstructions}</p> : null}
          <Totals d={p.detail} currency={p.currency} />
        </section>
        <section class="card" aria-labelledby="h-status">
          <h2 id="h-status">Status history</h2>
          <ol id="status-history" class="timeline">
            {statusHistory.map((h) => (
              <li>
                <strong>{h.fromStatus ? `${h.fromStatus} → ${h.toStatus}` : `placed (${h.toStatus})`}</strong>
                <span class="muted"> by {actorLabel(h)} · <time datetime={h.createdAt}>{when(h.createdAt, p.meta.tz)}</time></span>
              </li>
            ))}
          </ol>
        </section>
        <section class="card" aria-labelledby="h-ledger">
          <h2 id="h-ledger">Points ledger</h2>
          {ledger.length === 0 ? <p class="muted">No points moved.</p> : (
            <table class="grid" id="order-ledger">
              <thead><tr><th scope="col">Type</th><th scope="col" class="right">Points</th><th scope="col" class="right">Balance</th><th scope="col" class="hide-narrow">When</th></tr></thead>
              <tbody>
                {ledger.map((l) => (
                  <tr data-ledger-id={l.id}>
                    <td>{l.type}</td><td class="right">{signed(l.points)}</td>
                    <td class="right">{l.balanceBefore} → {l.balanceAfter}</td>
                    <td class="hide-narrow"><time datetime={l.createdAt}>{when(l.createdAt, p.meta.tz)}</time></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" aria-labelledby="h-gift">
          <h2 id="h-gift">Gift card movements</h2>
          {giftCardActivity.length === 0 ? <p class="muted">No gift card used.</p> : (
            <table class="grid" id="order-gift-card">
              <thead><tr><th scope="col">Type</th><th scope="col" class="right">Amount</th><th scope="col" class="right">Balance</th><th scope="col" class="hide-narrow">When</th></tr></thead>
              <tbody>
                {giftCardActivity.map((a) => (
                  <tr data-activity-id={a.id}>
                    <td>{a.type}</td><td class="right">{a.amountCents < 0 ? '−' : '+'}{money(Math.abs(a.amountCents), p.currency)}</td>
                    <td class="right">{money(a.balanceBefore, p.currency)} → {money(a.balanceAfter, p.currency)}</td>
                    <td class="hide-narrow"><time datetime={a.createdAt}>{when(a.createdAt, p.meta.tz)}</time></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </Layout>
  );
}
