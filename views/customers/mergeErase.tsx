import type { CustomerView } from './list.tsx';
import { rowId } from './list.tsx';

// The customer page's "Duplicates" and "Erase" panels (src/admin/customerMergeErase.tsx), and the live
// pieces the customer_merged and customer_erased events send to every page (src/admin/fragments.tsx).

export const duplicatesId = (customerId: string) => `duplicates-${customerId}`;
export const eraseId = (customerId: string) => `erase-${customerId}`;

const label = (c: CustomerView) => `${c.name || 'Unnamed'} · ${c.phone ?? 'no phone'}${c.email ? ` · ${c.email}` : ''}`;

/** Suggestions load on request: the customer page itself stays one indexed read. */
export function DuplicatesPanel(p: { base: string; customerId: string; message?: string; error?: string; suggestions?: CustomerView[] }) {
  const id = duplicatesId(p.customerId);
  return (
    <section id={id} class="card stack" aria-label="Possible duplicates">
      <h2>Possible duplicates</h2>
      {p.message ? <p class="ok" role="status">{p.message}</p> : null}
      {p.error ? <p class="error" role="alert">{p.error}</p> : null}
      {p.suggestions === undefined ? (
        <button type="button" class="btn secondary" hx-get={`${p.base}/customers/${p.customerId}/duplicates`}
          hx-target={`#${id}`} hx-swap="outerHTML">Find likely duplicates</button>
      ) : p.suggestions.length === 0 ? (
        <p class="empty">No likely duplicates: no one else has this email, or this name with a similar phone.</p>
      ) : (
        <ul class="duplicates">
          {p.suggestions.map((d) => (
            <li>
              <a href={`${p.base}/customers/${d.id}`}>{label(d)}</a> <span class="muted">({d.pointsBalance} points)</span>{' '}
              <form class="inline" hx-post={`${p.base}/customers/${p.customerId}/merge`} hx-target={`#${id}`} hx-swap="outerHTML"
                hx-confirm={`Merge ${label(d)} into this customer? Their points, orders and phone move here. This cannot be undone.`}>
                <input type="hidden" name="duplicateId" value={d.id} />
                <button type="submit" class="btn secondary">Merge into this customer</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Owners only (the page leaves it out for staff; the policy refuses them anyway). */
export function ErasePanel(p: { base: string; customerId: string; erased: boolean; message?: string }) {
  return (
    <section id={eraseId(p.customerId)} class="card stack" aria-label="Erase">
      <h2>Erase this customer</h2>
      {p.message ? <p class="ok" role="status">{p.message}</p> : null}
      {p.erased ? <p class="muted">This customer was erased: no name, phone or email is kept.</p> : (
        <form hx-post={`${p.base}/customers/${p.customerId}/erase`} hx-target={`#${eraseId(p.customerId)}`} hx-swap="outerHTML"
          hx-confirm="Erase this customer's name, phone and email everywhere, and write off their points? This cannot be undone.">
          <p class="muted">On the customer's request. The ledger stays, without personal data; the points balance is written off.</p>
          <input type="hidden" name="confirm" value="erase" />
          <button type="submit" class="btn warn">Erase customer</button>
        </form>
      )}
    </section>
  );
}

/** customer_erased: every list showing the row blanks it; its merged duplicates' rows go. */
export function ErasedOob(p: { customerId: string; mergedIds: string[]; seq: number }) {
  return (
    <>
      <hx-partial hx-target={`#${rowId(p.customerId)} th a`} hx-swap="innerHTML">Erased customer</hx-partial>
      <hx-partial hx-target={`#${rowId(p.customerId)} td.mono`} hx-swap="innerHTML">Erased</hx-partial>
      <hx-partial hx-target={`#${rowId(p.customerId)} td.email`} hx-swap="innerHTML"></hx-partial>
      {p.mergedIds.map((id) => <hx-partial hx-target={`#${rowId(id)}`} hx-swap="delete"></hx-partial>)}
    </>
  );
}

/** customer_merged: the duplicate's row leaves every list. */
export function MergedOob(p: { duplicateId: string }) {
  return <hx-partial hx-target={`#${rowId(p.duplicateId)}`} hx-swap="delete"></hx-partial>;
}
