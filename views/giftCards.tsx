import { FieldError, type FormState } from './shell/form.tsx';
import { money, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type GiftCardView = {
  id: string;
  code: string;
  status: string;
  initialCents: number;
  balanceCents: number;
  purchasedBy: string | null;
  recipientName: string | null;
  expiresAt: string | null;
  createdAt: string;
};

export type RecentCard = { id: string; maskedCode: string; status: string; initialCents: number; balanceCents: number; purchasedBy: string | null; createdAt: string };

// A card's balance and status appear in two places (the open card panel and the recently issued
// list), each an element with a stable id and data-seq, so a gift card event replaces them in place
// and the page script refuses an older value over a newer one.
/** Who bought a card whose buyer asked to be forgotten (the name was scrubbed; sql/0014). */
const ERASED = 'an erased customer';

export const recentCardsId = 'recent-cards';
const ids = (where: 'panel' | 'recent', giftCardId: string) => ({
  balance: `gc-${where}-bal-${giftCardId}`, status: `gc-${where}-status-${giftCardId}`, actions: `gc-${where}-actions-${giftCardId}`,
});

type CardState = { giftCardId: string; balanceCents: number; status: string; seq: number; currency: string; oob?: boolean; flash?: boolean };

function CardBalance(p: CardState & { id: string; cls?: string }) {
  return (
    <span id={p.id} class={[p.cls, p.flash && 'flash'].filter(Boolean).join(' ') || undefined} data-seq={String(p.seq)} hx-swap-oob={p.oob ? 'true' : undefined}>
      {money(p.balanceCents, p.currency)}
    </span>
  );
}

function CardStatus(p: CardState & { id: string }) {
  return <span id={p.id} class={`tag gc-${p.status}`} data-seq={String(p.seq)} hx-swap-oob={p.oob ? 'true' : undefined}>{p.status}</span>;
}

/** What a gift_card_redeemed / gift_card_updated event changes on the gift cards page. */
export function CardChangeOob(p: Omit<CardState, 'oob' | 'flash'>) {
  const panel = ids('panel', p.giftCardId);
  const recent = ids('recent', p.giftCardId);
  return (
    <>
      <CardBalance {...p} id={panel.balance} cls="pts" oob flash />
      <CardStatus {...p} id={panel.status} oob />
      {p.status === 'active' ? null : <div id={panel.actions} data-seq={String(p.seq)} hx-swap-oob="true"></div>}
      <CardBalance {...p} id={recent.balance} oob flash />
      <CardStatus {...p} id={recent.status} oob />
    </>
  );
}

export function RecentCardRow(p: { g: RecentCard; currency: string; seq: number; fresh?: boolean }) {
  const { g } = p;
  const at = ids('recent', g.id);
  const state = { giftCardId: g.id, balanceCents: g.balanceCents, status: g.status, seq: p.seq, currency: p.currency };
  return (
    <tr id={`gc-row-${g.id}`} class={p.fresh ? 'flash' : undefined} data-seq={String(p.seq)}>
      <td class="mono">{g.maskedCode}</td><td>{g.purchasedBy ?? ERASED}</td><td class="right">{money(g.initialCents, p.currency)}</td>
      <td class="right"><CardBalance {...state} id={at.balance} /></td><td><CardStatus {...state} id={at.status} /></td>
    </tr>
  );
}

export function IssueForm(p: { base: string; currency: string; state?: FormState; issued?: GiftCardView }) {
  const s = p.state ?? {};
  return (
    <form id="issue-form" class="card stack" hx-post={`${p.base}/gift-cards`} hx-target="this" hx-swap="outerHTML" hx-disable="find button">
      <h2>Issue a gift card</h2>
      {p.issued ? (
        <div class="notice" role="status">
          <p>Issued <strong>{money(p.issued.initialCents, p.currency)}</strong> to {p.issued.purchasedBy ?? ERASED}. Code (give it to the customer now):</p>
          <p class="code big">{p.issued.code}</p>
        </div>
      ) : null}
      <FieldError state={s} name="form" />
      <label for="gc-amount">Amount ({p.currency})</label>
      <input id="gc-amount" name="amount" inputmode="decimal" required autocomplete="off" value={s.values?.amount ?? ''}
        aria-invalid={s.errors?.amount ? 'true' : undefined} aria-describedby="gc-amount-error" />
      <FieldError state={s} name="amount" id="gc-amount-error" />
      {s.values?.customerId ? (
        <p class="muted" id="gc-customer">
          <input type="hidden" name="customerId" value={s.values.customerId} />
          <input type="hidden" name="customerLabel" value={s.values.customerLabel ?? ''} />
          For customer <strong>{s.values.customerLabel || s.values.customerId}</strong> (listed on their page).
        </p>
      ) : null}
      <FieldError state={s} name="customerId" />
      <label for="gc-buyer">Purchased by</label>
      <input id="gc-buyer" name="purchasedBy" required autocomplete="off" value={s.values?.purchasedBy ?? ''}
        aria-invalid={s.errors?.purchasedBy ? 'true' : undefined} aria-describedby="gc-buyer-error" />
      <FieldError state={s} name="purchasedBy" id="gc-buyer-error" />
      <label for="gc-recipient">Recipient name <span class="muted">(optional)</span></label>
      <input id="gc-recipient" name="recipientName" autocomplete="off" value={s.values?.recipientName ?? ''}
        aria-invalid={s.errors?.recipientName ? 'true' : undefined} aria-describedby="gc-recipient-error" />
      <FieldError state={s} name="recipientName" id="gc-recipient-error" />
      <button type="submit" class="btn">Issue</button>
    </form>
  );
}

/** A card found by its code, with redeem and void; re-rendered after each action. */
export function CardPanel(p: { tz: string; base: string; currency: string; card: GiftCardView | null; seq?: number; state?: FormState }) {
  const s = p.state ?? {};
  if (!p.card) {
    return (
      <section id="card-panel" class="card" aria-live="polite">
        {s.errors?.code ? <p class="field-error" role="alert">{s.errors.code}</p> : <p class="muted">Enter a code to see its balance.</p>}
      </section>
    );
  }
  const g = p.card;
  const active = g.status === 'active';
  const at = ids('panel', g.id);
  const state = { giftCardId: g.id, balanceCents: g.balanceCents, status: g.status, seq: p.seq ?? 0, currency: p.currency };
  return (
    <section id="card-panel" class="card stack" aria-live="polite" aria-label={`Gift card ${g.code}`}>
      <div class="pos-head">
        <div>
          <div class="code">{g.code}</div>
          <div class="muted">Bought by {g.purchasedBy ?? ERASED}{g.recipientName ? ` for ${g.recipientName}` : ''} · {when(g.createdAt, p.tz)}</div>
        </div>
        <div class="pos-balance"><span class="muted">Balance</span><CardBalance {...state} id={at.balance} cls="pts" /></div>
      </div>
      <p>Status: <CardStatus {...state} id={at.status} /> · issued for {money(g.initialCents, p.currency)}
        {g.expiresAt ? ` · expires ${when(g.expiresAt, p.tz)}` : ''}</p>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      {active ? (
        <div class="row wrap" id={at.actions} data-seq={String(state.seq)}>
          <form class="row" hx-post={`${p.base}/gift-cards/redeem`} hx-target="#card-panel" hx-swap="outerHTML" hx-disable="find button">
            <input type="hidden" name="code" value={g.code} />
            <label for="gc-redeem" class="sr-only">Amount to redeem</label>
            <input id="gc-redeem" name="amount" inputmode="decimal" placeholder="Amount" class="big" autocomplete="off"
              value={s.values?.amount ?? ''} aria-invalid={s.errors?.amount ? 'true' : undefined} aria-describedby="gc-redeem-error" />
            <button type="submit" class="btn big warn">Redeem</button>
          </form>
          <form hx-post={`${p.base}/gift-cards/void`} hx-target="#card-panel" hx-swap="outerHTML"
            hx-confirm={`Void ${g.code}? Its remaining balance is written off.`}>
            <input type="hidden" name="code" value={g.code} />
            <button type="submit" class="btn big danger">Void card</button>
          </form>
        </div>
      ) : null}
      <FieldError state={s} name="amount" id="gc-redeem-error" />
    </section>
  );
}

/** `issue` pre-fills the issue form (from a customer's page: their id, name and buyer text). */
export function GiftCardsPage(p: { meta: PageMeta; currency: string; recent: RecentCard[]; issue?: FormState }) {
  const seq = p.meta.seq;
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Gift cards" active="gift-cards">
      <div class="split">
        <section class="grow stack">
          <form class="pos-lookup" hx-get={`${base}/gift-cards/lookup`} hx-target="#card-panel" hx-swap="outerHTML" role="search">
            <label for="gc-code">Gift card code</label>
            <div class="row">
              <input id="gc-code" name="code" class="big mono" autocomplete="off" placeholder="GC-XXXX-XXXX-XXXX-XXXX" required />
              <button type="submit" class="btn big">Check balance</button>
            </div>
          </form>
          <CardPanel tz={p.meta.tz} base={base} currency={p.currency} card={null} />
          <h2>Recently issued <a class="small" href={`${base}/gift-cards/list`}>All gift cards{p.meta.role === 'owner' ? ' and liability' : ''} →</a></h2>
          <table class="grid">
            <caption class="sr-only">Recently issued gift cards (codes masked)</caption>
            <thead><tr><th scope="col">Code</th><th scope="col">Bought by</th><th scope="col" class="right">Issued</th>
              <th scope="col" class="right">Balance</th><th scope="col">Status</th></tr></thead>
            <tbody id={recentCardsId} data-seq={String(seq)}>
              {p.recent.map((g) => <RecentCardRow g={g} currency={p.currency} seq={seq} />)}
            </tbody>
          </table>
          {p.recent.length === 0 ? <p class="empty">No gift cards issued yet.</p> : null}
        </section>
        <aside><IssueForm base={base} currency={p.currency} state={p.issue} /></aside>
      </div>
    </Layout>
  );
}
