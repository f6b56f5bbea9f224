import { rowId } from './list.tsx';

// The customer page's identity: its heading (and the tab's title) and the summary's phone and email.
// Each is one element with a stable id and the data-seq of the event it reflects, so a customer_updated,
// customer_merged or customer_erased event (src/admin/fragments.tsx) refreshes them in place like the
// balance beside them, and the page script never puts an older value over a newer one.

export const titleId = (customerId: string) => `customer-title-${customerId}`;
export const phoneId = (customerId: string) => `customer-phone-${customerId}`;
export const emailId = (customerId: string) => `customer-email-${customerId}`;

/** Who the page is about, as its heading says it; an erased customer has neither name nor phone. */
export const customerTitle = (c: { name: string | null; phone: string | null }) => c.name || c.phone || 'Erased customer';

type Identity = { id: string; name: string | null; phone: string | null; email: string | null };
type Live = { seq: number; oob?: boolean; flash?: boolean };

const cls = (base: string, flash?: boolean) => [base, flash ? 'flash' : ''].filter(Boolean).join(' ') || undefined;

/** The heading's text; data-doc-title makes the page script copy it into the tab's title after a swap. */
export function CustomerTitle(p: { c: Identity } & Live) {
  return (
    <span id={titleId(p.c.id)} data-seq={String(p.seq)} data-doc-title="" class={cls('', p.flash)}
      hx-swap-oob={p.oob ? 'true' : undefined}>{customerTitle(p.c)}</span>
  );
}

export function CustomerPhone(p: { c: Identity } & Live) {
  return <span id={phoneId(p.c.id)} class={cls('mono', p.flash)} data-seq={String(p.seq)} hx-swap-oob={p.oob ? 'true' : undefined}>{p.c.phone ?? '—'}</span>;
}

export function CustomerEmail(p: { c: Identity } & Live) {
  return <span id={emailId(p.c.id)} class={cls('', p.flash)} data-seq={String(p.seq)} hx-swap-oob={p.oob ? 'true' : undefined}>{p.c.email ?? '—'}</span>;
}

/** All three as out-of-band swaps: what an edit, a merge into this customer, or an erasure sends. */
export function IdentityOob(p: { c: Identity; seq: number }) {
  return (
    <>
      <CustomerTitle c={p.c} seq={p.seq} oob flash />
      <CustomerPhone c={p.c} seq={p.seq} oob flash />
      <CustomerEmail c={p.c} seq={p.seq} oob flash />
    </>
  );
}

/** The customer's row in every open list (name, phone, email cells), as customer_erased blanks it. */
export function RowIdentityOob(p: { c: Identity }) {
  const row = `#${rowId(p.c.id)}`;
  return (
    <>
      <hx-partial hx-target={`${row} th a`} hx-swap="innerHTML">{p.c.name || 'Unnamed'}</hx-partial>
      <hx-partial hx-target={`${row} td.mono`} hx-swap="innerHTML">{p.c.phone ?? 'Erased'}</hx-partial>
      <hx-partial hx-target={`${row} td.email`} hx-swap="innerHTML">{p.c.email ?? ''}</hx-partial>
    </>
  );
}

/** What an erased customer's page shows. */
export const erasedIdentity = (id: string): Identity => ({ id, name: null, phone: null, email: null });
