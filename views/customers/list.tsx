import { Balance, Earned, Redeemed } from './balance.tsx';
import { FieldError, type FormState } from '../shell/form.tsx';
import { Layout, adminBase, type PageMeta } from '../shell/layout.tsx';

export type CustomerView = {
  id: string;
  phone: string | null; // null once merged into another customer or erased
  name: string | null;
  email: string | null;
  pointsBalance: number;
  totalPointsEarned: number;
  totalPointsRedeemed: number;
};

export const rowId = (customerId: string) => `cust-${customerId}`;

export function CustomerRow(p: { c: CustomerView; seq: number; base: string; fresh?: boolean }) {
  const { c } = p;
  return (
    <tr id={rowId(c.id)} class={p.fresh ? 'flash' : undefined} data-seq={p.fresh ? String(p.seq) : undefined}>
      <th scope="row"><a href={`${p.base}/customers/${c.id}`}>{c.name || 'Unnamed'}</a></th>
      <td class="mono">{c.phone ?? 'Erased'}</td>
      <td class="hide-narrow email">{c.email ?? ''}</td>
      <td class="right"><Balance customerId={c.id} points={c.pointsBalance} seq={p.seq} /></td>
      <td class="right hide-narrow"><Earned customerId={c.id} points={c.totalPointsEarned} seq={p.seq} /></td>
      <td class="right hide-narrow"><Redeemed customerId={c.id} points={c.totalPointsRedeemed} seq={p.seq} /></td>
    </tr>
  );
}

/** "Load more": replaces itself with the next page of rows (keyset pagination by seq). */
export function MoreRow(p: { href: string }) {
  return (
    <tr class="more">
      <td colspan={6}>
        <button type="button" class="btn secondary" hx-get={p.href} hx-target="closest tr" hx-swap="outerHTML">
          Load more
        </button>
      </td>
    </tr>
  );
}

export type CustomerPage = { rows: CustomerView[]; nextHref: string | null };

/** One page of rows (what "Load more" fetches). */
export function CustomerRows(p: { page: CustomerPage; seq: number; base: string }) {
  return (
    <>
      {p.page.rows.map((c) => <CustomerRow c={c} seq={p.seq} base={p.base} />)}
      {p.page.nextHref ? <MoreRow href={p.page.nextHref} /> : null}
    </>
  );
}

/**
 * The results table (what the search box swaps). New customers appear live only in the unfiltered
 * list: the `customers-new` body exists only then, so a customer_created fragment finds no target
 * while a search is showing.
 */
export function CustomerResults(p: { page: CustomerPage; seq: number; base: string; q: string }) {
  return (
    <div id="customer-results" data-seq={String(p.seq)}>
      <table class="grid">
        <caption class="sr-only">{p.q ? `Customers matching "${p.q}"` : 'Customers, newest first'}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th><th scope="col">Phone</th><th scope="col" class="hide-narrow">Email</th>
            <th scope="col" class="right">Points</th><th scope="col" class="right hide-narrow">Earned</th>
            <th scope="col" class="right hide-narrow">Redeemed</th>
          </tr>
        </thead>
        {p.q ? null : <tbody id="customers-new" data-seq={String(p.seq)}></tbody>}
        <tbody id="customer-rows">
          <CustomerRows page={p.page} seq={p.seq} base={p.base} />
        </tbody>
      </table>
      {p.page.rows.length === 0 ? <p class="empty">{p.q ? `No customer matches "${p.q}".` : 'No customers yet.'}</p> : null}
    </div>
  );
}

export function EnrolForm(p: { base: string; state?: FormState }) {
  const s = p.state ?? {};
  return (
    <form id="enrol-form" class="card stack" hx-post={`${p.base}/customers`} hx-target="this" hx-swap="outerHTML">
      <h2>Enrol a customer</h2>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <label for="enrol-phone">Phone</label>
      <input id="enrol-phone" name="phone" type="tel" required autocomplete="off" value={s.values?.phone ?? ''}
        aria-invalid={s.errors?.phone ? 'true' : undefined} aria-describedby="enrol-phone-error" />
      <FieldError state={s} name="phone" id="enrol-phone-error" />
      <label for="enrol-name">Name <span class="muted">(optional)</span></label>
      <input id="enrol-name" name="name" autocomplete="off" value={s.values?.name ?? ''} />
      <label for="enrol-email">Email <span class="muted">(optional)</span></label>
      <input id="enrol-email" name="email" type="email" autocomplete="off" value={s.values?.email ?? ''}
        aria-invalid={s.errors?.email ? 'true' : undefined} aria-describedby="enrol-email-error" />
      <FieldError state={s} name="email" id="enrol-email-error" />
      <button type="submit" class="btn">Enrol</button>
    </form>
  );
}

export function CustomersPage(p: { meta: PageMeta; page: CustomerPage; q: string }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Customers" active="customers">
      <div class="toolbar">
        <form class="search grow" role="search" action={`${base}/customers`} method="get">
          <label for="q">Search by name, phone or email</label>
          {/* Active search: rows come back as one fragment, 200 ms after typing stops. */}
          <input id="q" name="q" type="search" value={p.q} autocomplete="off" placeholder="e.g. Doe or 07700"
            hx-get={`${base}/customers/results`} hx-trigger="input changed delay:200ms, search"
            hx-target="#customer-results" hx-swap="outerHTML" />
        </form>
        <details class="enrol">
          <summary class="btn secondary">Enrol a customer</summary>
          <EnrolForm base={base} />
        </details>
        {p.meta.role === 'owner' ? <ExportLinks base={base} q={p.q} /> : null}
      </div>
      <CustomerResults page={p.page} seq={p.meta.seq} base={base} q={p.q} />
    </Layout>
  );
}

/** CSV downloads (owners only: customers.export): this list as searched, and the ledger of a date range. */
function ExportLinks(p: { base: string; q: string }) {
  const today = new Date().toISOString().slice(0, 10);
  return (
    <details class="export">
      <summary class="btn secondary">Export CSV</summary>
      <div class="card stack">
        <a id="export-customers" href={`${p.base}/customers/export${p.q ? `?${new URLSearchParams({ q: p.q })}` : ''}`} download>
          Customers{p.q ? ' matching this search' : ''} (CSV)
        </a>
        <form id="export-ledger" action={`${p.base}/customers/export/ledger`} method="get" class="stack">
          <label for="export-from">Ledger from</label>
          <input id="export-from" name="from" type="date" required value={today.slice(0, 8) + '01'} />
          <label for="export-to">to</label>
          <input id="export-to" name="to" type="date" required value={today} />
          <button type="submit" class="btn secondary">Download ledger (CSV)</button>
        </form>
      </div>
    </details>
  );
}
