import type { OrderDetail } from '../src/orders/schemas.ts';
import { money, when } from './shell/format.ts';
import { ASSETS, adminBase } from './shell/layout.tsx';
import { orderTypeLabel } from './orderDetail.tsx';
import { ORDERS_CSS } from './orderHistory.tsx';

// Printable views of one order, on a page of their own (no nav, no stream): what a receipt printer or a
// browser's Print gets. The kitchen ticket is what the cooks need (big number, items, notes, no prices);
// the customer receipt is what the guest keeps (lines, discounts, total, points). orders.css has the
// print rules: an 80 mm roll, black on white, the Print and Back buttons hidden.

export type ReceiptKind = 'kitchen' | 'customer';

export function ReceiptPage(p: { tz: string; detail: OrderDetail; kind: ReceiptKind; tenantSlug: string; tenantName: string; currency: string }) {
  const o = p.detail.order;
  const base = adminBase(p.tenantSlug);
  const title = p.kind === 'kitchen' ? `Kitchen ticket ${o.orderNumber}` : `Receipt ${o.orderNumber}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · tillstream</title>
        <link rel="stylesheet" href={`${ASSETS}/admin.css`} />
        <link rel="stylesheet" href={ORDERS_CSS} />
        {/* admin.js (its Print button) expects htmx beside it. */}
        <script src={`${ASSETS}/htmx.js`}></script>
        <script src={`${ASSETS}/admin.js`} defer></script>
      </head>
      <body class="receipt-page">
        <div class="receipt-actions no-print">
          <a class="btn secondary" href={`${base}/orders/${o.id}`}>Back to order</a>
          <button type="button" class="btn" data-print>Print</button>
          <a class="btn link" href={`${base}/orders/${o.id}/receipt?view=${p.kind === 'kitchen' ? 'customer' : 'kitchen'}`}>
            {p.kind === 'kitchen' ? 'Customer receipt' : 'Kitchen ticket'}
          </a>
        </div>
        <main id="main" class={`receipt receipt-${p.kind}`} aria-label={title}>
          {p.kind === 'kitchen' ? <Kitchen tz={p.tz} detail={p.detail} /> : <Customer {...p} />}
        </main>
      </body>
    </html>
  );
}

function Kitchen(p: { tz: string; detail: OrderDetail }) {
  const o = p.detail.order;
  return (
    <>
      <h1 class="ticket-number">{o.orderNumber}</h1>
      <p class="ticket-meta"><strong>{orderTypeLabel(o.orderType).toUpperCase()}</strong> · {o.source} · <time datetime={o.createdAt}>{when(o.createdAt, p.tz)}</time></p>
      {o.customerName ? <p>{o.customerName}</p> : null}
      {o.status === 'cancelled' ? <p class="void">CANCELLED</p> : null}
      <ul class="ticket-items">
        {o.items.map((i) => <li><strong>{i.quantity}×</strong> {i.name}</li>)}
      </ul>
      {o.specialInstructions ? <p class="ticket-note">NOTE: {o.specialInstructions}</p> : null}
    </>
  );
}

function Customer(p: { tz: string; detail: OrderDetail; tenantName: string; currency: string }) {
  const o = p.detail.order;
  const c = p.currency;
  return (
    <>
      <h1 class="receipt-shop">{p.tenantName}</h1>
      <p class="center">{o.orderNumber} · {orderTypeLabel(o.orderType)}<br /><time datetime={o.createdAt}>{when(o.createdAt, p.tz)}</time></p>
      {o.status === 'cancelled' ? <p class="void">CANCELLED — REFUNDED</p> : null}
      <table class="receipt-lines">
        <tbody>
          {o.items.map((i) => (
            <tr><td>{i.quantity} × {i.name}<br /><span class="muted">@ {money(i.unitPriceCents, c)}</span></td><td class="right">{money(i.lineTotalCents, c)}</td></tr>
          ))}
        </tbody>
        <tfoot>
          <tr><td>Subtotal</td><td class="right">{money(o.subtotalCents, c)}</td></tr>
          {o.pointsDiscountCents ? <tr><td>Points ({o.pointsRedeemed})</td><td class="right">−{money(o.pointsDiscountCents, c)}</td></tr> : null}
          {o.giftCardCents ? <tr><td>Gift card</td><td class="right">−{money(o.giftCardCents, c)}</td></tr> : null}
          <tr class="receipt-total"><td>Total</td><td class="right">{money(o.totalCents, c)}</td></tr>
        </tfoot>
      </table>
      {o.customerName ? <p>Thank you, {o.customerName}.</p> : <p>Thank you.</p>}
      {o.pointsEarned ? <p>Points earned on this order: <strong>{o.pointsEarned}</strong></p> : null}
    </>
  );
}
