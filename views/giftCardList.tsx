import type { GiftCardListItem, GiftCardListStatus } from '../src/giftCards/listSchemas.ts';
import type { GiftCardLiability } from '../src/reports/liabilitySchemas.ts';
import { money, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

// The gift card list (issue 13): every card, codes masked, searched and filtered as GET /api/v1/gift-cards
// is, and (for owners) the liability panel GET /api/v1/reports/gift-cards reads. The look-up, redeem and
// issue forms stay on the Gift cards page; this is the book of cards behind them.

export type CardListPage = { rows: GiftCardListItem[]; nextHref: string | null };
export type CardListFilter = { q: string; status: GiftCardListStatus | '' };

const STATUSES: { value: GiftCardListStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active (has a balance)' },
  { value: 'spent', label: 'Spent (balance 0)' },
  { value: 'expired', label: 'Expired' },
  { value: 'void', label: 'Voided' },
];

function CardRow(p: { tz: string; g: GiftCardListItem; currency: string }) {
  const { g } = p;
  return (
    <tr id={`gcl-${g.id}`}>
      {/* A phone shows the visible tail alone: the masked groups say nothing and would wrap the row five times. */}
      <th scope="row" class="mono" title={g.maskedCode}><span class="hide-narrow">{g.maskedCode.slice(0, -4)}</span>{g.maskedCode.slice(-4)}</th>
      <td>{g.purchasedBy}{g.recipientName ? <span class="muted"> for {g.recipientName}</span> : null}</td>
      <td class="right">{money(g.balanceCents, p.currency)}<span class="muted hide-narrow"> of {money(g.initialCents, p.currency)}</span></td>
      <td><span class={`tag gc-${g.status}`}>{g.status === 'active' && g.balanceCents === 0 ? 'spent' : g.status}</span></td>
      <td class="hide-narrow"><time datetime={g.createdAt}>{when(g.createdAt, p.tz)}</time>
        {g.expiresAt ? <span class="muted"> · expires <time datetime={g.expiresAt}>{when(g.expiresAt, p.tz)}</time></span> : null}</td>
    </tr>
  );
}

/** One page of rows and, when there is more, a "Load more" row that replaces itself with the next page. */
export function CardListRows(p: { tz: string; page: CardListPage; currency: string }) {
  return (
    <>
      {p.page.rows.map((g) => <CardRow tz={p.tz} g={g} currency={p.currency} />)}
      {p.page.nextHref ? (
        <tr class="more"><td colspan={5}>
          <button type="button" class="btn secondary" hx-get={p.page.nextHref} hx-target="closest tr" hx-swap="outerHTML">Load more</button>
        </td></tr>
      ) : null}
    </>
  );
}

/** The results table the search form swaps. */
export function CardListResults(p: { tz: string; page: CardListPage; currency: string; filter: CardListFilter }) {
  const filtered = Boolean(p.filter.q || p.filter.status);
  return (
    <div id="gc-results">
      <table class="grid">
        <caption class="sr-only">{filtered ? 'Gift cards matching the search' : 'Gift cards, newest first'} (codes masked)</caption>
        <thead><tr><th scope="col">Code</th><th scope="col">Bought by</th><th scope="col" class="right">Balance</th>
          <th scope="col">Status</th><th scope="col" class="hide-narrow">Issued</th></tr></thead>
        <tbody id="gc-rows"><CardListRows tz={p.tz} page={p.page} currency={p.currency} /></tbody>
      </table>
      {p.page.rows.length === 0 ? <p class="empty">{filtered ? 'No gift card matches.' : 'No gift cards issued yet.'}</p> : null}
    </div>
  );
}

/** What the group owes on its cards, and how that moved in the period (owners: giftCards.liability). */
export function LiabilityPanel(p: { base: string; currency: string; report?: GiftCardLiability; error?: string; from?: string; to?: string }) {
  const r = p.report;
  const figure = (label: string, cents: number, id: string) => (
    <li><span class="muted">{label}</span><strong id={id}>{money(cents, p.currency)}</strong></li>
  );
  return (
    <section id="gc-liability" class="card stack" aria-labelledby="gc-liability-title">
      <h2 id="gc-liability-title">Liability</h2>
      <form class="toolbar" hx-get={`${p.base}/gift-cards/liability`} hx-target="#gc-liability" hx-swap="outerHTML">
        <div class="stack">
          <label for="gcl-from">From</label>
          <input id="gcl-from" name="from" type="date" required value={r?.from ?? p.from ?? ''} />
        </div>
        <div class="stack">
          <label for="gcl-to">To (owed as of its end)</label>
          <input id="gcl-to" name="to" type="date" required value={r?.to ?? p.to ?? ''} />
        </div>
        <button type="submit" class="btn secondary">Show</button>
      </form>
      {p.error ? <p class="field-error" role="alert">{p.error}</p> : null}
      {r ? (
        <>
          <ul class="figures" aria-label="Gift card liability">
            {figure('Owed on live cards', r.outstandingCents, 'gcl-outstanding')}
            {figure('Sold', r.soldCents, 'gcl-sold')}
            {figure('Redeemed', r.redeemedCents, 'gcl-redeemed')}
            {figure('Expired (breakage)', r.expiredCents, 'gcl-expired')}
            {figure('Voided', r.voidedCents, 'gcl-voided')}
          </ul>
          <p class="muted">Owed as of <time datetime={r.asOf}>{when(r.asOf, r.tz)}</time> ({r.tz}); the period began owing {money(r.openingCents, p.currency)}.
            Redeemed is net of {money(r.refundedCents, p.currency)} refunded to cards.</p>
        </>
      ) : null}
    </section>
  );
}

export function GiftCardListPage(p: {
  meta: PageMeta; currency: string; page: CardListPage; filter: CardListFilter; liability: GiftCardLiability | null;
}) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="All gift cards" active="gift-cards">
      <p><a href={`${base}/gift-cards`}>← Check, redeem or issue a card</a></p>
      {p.liability ? <LiabilityPanel base={base} currency={p.currency} report={p.liability} /> : null}
      <h2>Cards</h2>
      <form class="toolbar" role="search" action={`${base}/gift-cards/list`} method="get"
        hx-get={`${base}/gift-cards/list/results`} hx-target="#gc-results" hx-swap="outerHTML"
        hx-trigger="input delay:200ms, change, submit">
        <div class="grow stack">
          <label for="gcl-q">Search by purchaser, recipient or the code's last four</label>
          <input id="gcl-q" name="q" type="search" value={p.filter.q} autocomplete="off" placeholder="e.g. Robin or W4BN" />
        </div>
        <div class="stack">
          <label for="gcl-status">Status</label>
          <select id="gcl-status" name="status">
            {STATUSES.map((s) => <option value={s.value} selected={s.value === p.filter.status}>{s.label}</option>)}
          </select>
        </div>
        <button type="submit" class="btn secondary">Search</button>
      </form>
      <CardListResults tz={p.meta.tz} page={p.page} currency={p.currency} filter={p.filter} />
    </Layout>
  );
}
