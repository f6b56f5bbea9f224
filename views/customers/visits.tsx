import type { CustomerOrder } from '../../src/customers/visits.ts';
import type { GiftCard } from '../../src/giftCards/schemas.ts';
import { money, when } from '../shell/format.ts';

// A customer's visit history on their page: the orders they placed and the gift cards they bought,
// from the same reads as GET /api/v1/customers/{id}/orders and /gift-cards.

/** `issueHref`: the gift cards page with its issue form linked to this customer (absent for an erased one). */
export function VisitHistory(p: { tz: string; orders: CustomerOrder[]; moreOrders: boolean; giftCards: GiftCard[]; currency: string; issueHref?: string }) {
  return (
    <section aria-label="Visit history" id="visit-history">
      <h2>Orders</h2>
      {p.orders.length === 0 ? <p class="muted">No orders yet.</p> : (
        <table class="grid" id="customer-orders">
          <caption class="sr-only">Orders, newest first</caption>
          <thead>
            <tr><th scope="col">Order</th><th scope="col">When</th><th scope="col" class="right">Total</th>
              <th scope="col">Status</th><th scope="col" class="hide-narrow">Site</th></tr>
          </thead>
          <tbody>
            {p.orders.map((o) => (
              <tr id={`customer-order-${o.id}`}>
                <td class="mono">{o.orderNumber}</td>
                <td><time datetime={o.createdAt}>{when(o.createdAt, p.tz)}</time></td>
                <td class="right">{money(o.subtotalCents - o.pointsDiscountCents, p.currency)}</td>
                <td><span class={`tag s-${o.status}`}>{o.status}</span></td>
                <td class="hide-narrow">{o.locationName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.moreOrders ? <p class="muted">Showing the newest {p.orders.length} orders.</p> : null}
      <h2>Gift cards bought</h2>
      {p.issueHref ? <p><a href={p.issueHref} id="issue-gift-card">Sell a gift card to this customer</a></p> : null}
      {p.giftCards.length === 0 ? <p class="muted">No gift cards bought.</p> : (
        <table class="grid" id="customer-gift-cards">
          <caption class="sr-only">Gift cards bought, newest first</caption>
          <thead>
            <tr><th scope="col">Code</th><th scope="col">Bought</th><th scope="col" class="right">Value</th>
              <th scope="col" class="right">Balance</th><th scope="col">Status</th><th scope="col" class="hide-narrow">For</th></tr>
          </thead>
          <tbody>
            {p.giftCards.map((g) => (
              <tr>
                <td class="mono">{g.code}</td>
                <td><time datetime={g.createdAt}>{when(g.createdAt, p.tz)}</time></td>
                <td class="right">{money(g.initialCents, p.currency)}</td>
                <td class="right">{money(g.balanceCents, p.currency)}</td>
                <td><span class={`tag g-${g.status}`}>{g.status}</span></td>
                <td class="hide-narrow">{g.recipientName ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
