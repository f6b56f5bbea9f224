import { FieldError, type FormState } from './shell/form.tsx';
import { money, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type ReconItem = {
  id: string;
  kind: string;
  customerId: string | null;
  orderId: string | null;
  points: number;
  amountCents: number;
  detail: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
};

/** A refusal of the resolve by the domain: the problem's code and detail, as the API would have answered. */
export type ReconRefusal = { code: string; detail: string };

export function ReconRow(p: { tz: string; r: ReconItem; base: string; currency: string; state?: FormState; refusal?: ReconRefusal }) {
  const { r } = p;
  const s = p.state ?? {};
  return (
    <li id={`recon-${r.id}`} class="card stack">
      <p><span class="tag">{r.kind.replace(/_/g, ' ')}</span> <time class="muted" datetime={r.createdAt}>{when(r.createdAt, p.tz)}</time></p>
      <p>{r.detail}</p>
      <p class="muted">
        {r.points ? `${r.points} points` : ''}{r.amountCents ? ` ${money(r.amountCents, p.currency)}` : ''}
        {r.customerId ? <> · <a href={`${p.base}/customers/${r.customerId}`}>customer</a></> : null}
      </p>
      {r.resolvedAt ? (
        <p class="ok" role="status">Resolved {when(r.resolvedAt, p.tz)}{r.resolutionNote ? `: ${r.resolutionNote}` : ''}</p>
      ) : (
        <form class="row wrap" hx-post={`${p.base}/reconciliation/${r.id}/resolve`} hx-target="closest li" hx-swap="outerHTML" hx-disable="find button">
          <label for={`note-${r.id}`} class="sr-only">Resolution note</label>
          <input id={`note-${r.id}`} name="note" placeholder="What was done" required autocomplete="off" value={s.values?.note ?? ''}
            aria-invalid={s.errors?.note ? 'true' : undefined} />
          {r.customerId ? (
            <>
              <label for={`pts-${r.id}-fix`} class="sr-only">Points correction (optional, signed)</label>
              <input id={`pts-${r.id}-fix`} name="points" placeholder="± points (optional)" inputmode="text" autocomplete="off" value={s.values?.points ?? ''}
                aria-invalid={s.errors?.points ? 'true' : undefined} />
            </>
          ) : null}
          <button type="submit" class="btn">Resolve</button>
          <FieldError state={s} name="note" />
          <FieldError state={s} name="points" />
          <FieldError state={s} name="form" />
        </form>
      )}
      {p.refusal ? <p class="field-error" role="alert" data-code={p.refusal.code}>{p.refusal.detail}</p> : null}
    </li>
  );
}

export function ReconciliationPage(p: { meta: PageMeta; items: ReconItem[]; currency: string }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Reconciliation" active="reconciliation">
      <p class="muted">Things the system could not settle on its own (for example points that could not be clawed back). Resolving records who did what; a points correction is a new ledger row.</p>
      {p.items.length ? (
        <ul class="recon">{p.items.map((r) => <ReconRow tz={p.meta.tz} r={r} base={base} currency={p.currency} />)}</ul>
      ) : <p class="empty">Nothing waiting.</p>}
    </Layout>
  );
}
