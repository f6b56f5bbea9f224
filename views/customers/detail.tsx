import type { Child } from 'hono/jsx';
import { Balance, Earned, Redeemed } from './balance.tsx';
import { ExpiryRegion, type NextExpiryView } from './expiry.tsx';
import { CustomerEditForm, HistoryTable, type HistoryView, valuesOf } from './edit.tsx';
import { CustomerEmail, CustomerPhone, CustomerTitle, customerTitle } from './heading.tsx';
import type { CustomerView } from './list.tsx';
import { FieldError, type FormState } from '../shell/form.tsx';
import { signed, when } from '../shell/format.ts';
import { Layout, adminBase, type PageMeta } from '../shell/layout.tsx';

export type LedgerView = {
  id: string;
  type: string;
  points: number;
  balanceAfter: number;
  reason: string | null;
  orderId: string | null;
  createdAt: string;
  actor: string;
  /** The reward a redemption spent its points on (the reason names it as it was then). */
  rewardId?: string | null;
};

export const ledgerBodyId = (customerId: string) => `ledger-${customerId}`;

export function LedgerRow(p: { tz: string; l: LedgerView; fresh?: boolean; seq?: number }) {
  const { l } = p;
  return (
    <tr id={`tx-${l.id}`} class={p.fresh ? 'flash' : undefined} data-seq={p.seq === undefined ? undefined : String(p.seq)}
      data-reward-id={l.rewardId ?? undefined}>
      <td><time datetime={l.createdAt}>{when(l.createdAt, p.tz)}</time></td>
      <td><span class={`tag t-${l.type}`}>{l.type}</span></td>
      <td class={`right ${l.points < 0 ? 'neg' : 'pos'}`}>{signed(l.points)}</td>
      <td class="right">{l.balanceAfter.toLocaleString('en-GB')}</td>
      <td>{l.reason ?? ''}{l.orderId ? <span class="muted"> · order {l.orderId}</span> : null}</td>
      <td class="hide-narrow">{l.actor}</td>
    </tr>
  );
}

export type PointsAction = 'add' | 'redeem' | 'adjust';
const ACTION_TEXT: Record<PointsAction, { title: string; button: string; hint: string }> = {
  add: { title: 'Add points', button: 'Add', hint: 'Whole points, 1 or more' },
  redeem: { title: 'Redeem points', button: 'Redeem', hint: 'Cannot exceed the balance' },
  adjust: { title: 'Adjust balance', button: 'Adjust', hint: 'Signed, e.g. -20 or 15; a reason is required' },
};

/** One points form; the server answers every submit with this fragment (cleared, or with errors). */
export function PointsForm(p: { base: string; customerId: string; action: PointsAction; state?: FormState; idPrefix?: string }) {
  const s = p.state ?? {};
  const t = ACTION_TEXT[p.action];
  const id = `${p.idPrefix ?? ''}${p.action}-${p.customerId}`;
  return (
    <form id={`form-${id}`} class="card stack points-form" hx-post={`${p.base}/customers/${p.customerId}/points/${p.action}`}
      hx-target="this" hx-swap="outerHTML" hx-disable="find button">
      <h3>{t.title}</h3>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <label for={`${id}-points`}>Points</label>
      <input id={`${id}-points`} name="points" inputmode={p.action === 'adjust' ? 'text' : 'numeric'} required
        autocomplete="off" value={s.values?.points ?? ''} aria-invalid={s.errors?.points ? 'true' : undefined}
        aria-describedby={`${id}-points-error ${id}-hint`} />
      <small id={`${id}-hint`} class="muted">{t.hint}</small>
      <FieldError state={s} name="points" id={`${id}-points-error`} />
      <label for={`${id}-reason`}>Reason{p.action === 'adjust' ? '' : <span class="muted"> (optional)</span>}</label>
      <input id={`${id}-reason`} name="reason" autocomplete="off" value={s.values?.reason ?? ''}
        required={p.action === 'adjust'} aria-invalid={s.errors?.reason ? 'true' : undefined}
        aria-describedby={`${id}-reason-error`} />
      <FieldError state={s} name="reason" id={`${id}-reason-error`} />
      <button type="submit" class={`btn ${p.action === 'redeem' ? 'warn' : ''}`}>{t.button}</button>
    </form>
  );
}

export function CustomerPage(p: {
  meta: PageMeta; c: CustomerView & Parameters<typeof valuesOf>[0] & { version: number }; ledger: LedgerView[]; moreHref: string | null;
  history: HistoryView[]; visits?: Child;
  /** The next points to expire (null: none will; absent: not shown). */
  nextExpiry?: NextExpiryView;
  /** Panels after the points forms (duplicates and erase: views/customers/mergeErase.tsx). */
  children?: Child;
}) {
  const { c } = p;
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title={customerTitle(c)} heading={<CustomerTitle c={c} seq={p.meta.seq} />} active="customers">
      <p><a href={`${base}/customers`}>← All customers</a></p>
      <section class="card summary" aria-label="Balance">
        <div><span class="muted">Phone</span><br /><CustomerPhone c={c} seq={p.meta.seq} /></div>
        <div><span class="muted">Email</span><br /><CustomerEmail c={c} seq={p.meta.seq} /></div>
        <div class="big"><span class="muted">Points</span><br /><Balance customerId={c.id} points={c.pointsBalance} seq={p.meta.seq} /></div>
        <div><span class="muted">Earned</span><br /><Earned customerId={c.id} points={c.totalPointsEarned} seq={p.meta.seq} /></div>
        <div><span class="muted">Redeemed</span><br /><Redeemed customerId={c.id} points={c.totalPointsRedeemed} seq={p.meta.seq} /></div>
        {p.nextExpiry !== undefined ? <div><span class="muted">Next expiry</span><br /><ExpiryRegion base={base} customerId={c.id} next={p.nextExpiry} seq={p.meta.seq} tz={p.meta.tz} /></div> : null}
      </section>
      <div class="forms3">
        <PointsForm base={base} customerId={c.id} action="add" />
        <PointsForm base={base} customerId={c.id} action="redeem" />
        <PointsForm base={base} customerId={c.id} action="adjust" />
      </div>
      <CustomerEditForm base={base} customerId={c.id} version={c.version} seq={p.meta.seq} values={valuesOf(c)} orig={valuesOf(c)} />
      {p.children}
      <h2>Ledger</h2>
      {p.meta.role === 'owner' ? <p><a id="export-ledger" href={`${base}/customers/${c.id}/export`} download>Download the whole ledger (CSV)</a></p> : null}
      <table class="grid">
        <caption class="sr-only">Points history, newest first</caption>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Type</th><th scope="col" class="right">Points</th>
            <th scope="col" class="right">Balance</th><th scope="col">Reason</th><th scope="col" class="hide-narrow">By</th></tr>
        </thead>
        <tbody id={ledgerBodyId(c.id)} data-seq={String(p.meta.seq)}>
          {p.ledger.map((l) => <LedgerRow tz={p.meta.tz} l={l} />)}
        </tbody>
        <OlderEntries href={p.moreHref} />
      </table>
      {p.visits ?? null}
      <HistoryTable tz={p.meta.tz} customerId={c.id} history={p.history} seq={p.meta.seq} />
    </Layout>
  );
}

/** The "Older entries" row, in its own tbody so the fragment it loads can replace it. */
function OlderEntries(p: { href: string | null }) {
  if (!p.href) return null;
  return (
    <tbody>
      <tr class="more"><td colspan={6}>
        <button type="button" class="btn secondary" hx-get={p.href} hx-target="closest tbody" hx-swap="outerHTML">Older entries</button>
      </td></tr>
    </tbody>
  );
}

/** Older ledger rows as their own tbody (so "Older entries" can replace itself). */
export function LedgerMore(p: { tz: string; ledger: LedgerView[]; moreHref: string | null }) {
  return (
    <>
      <tbody>{p.ledger.map((l) => <LedgerRow tz={p.tz} l={l} />)}</tbody>
      <OlderEntries href={p.moreHref} />
    </>
  );
}
