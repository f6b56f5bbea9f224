import { Balance } from './customers/balance.tsx';
import type { CustomerView } from './customers/list.tsx';
import { FieldError, type FormState } from './shell/form.tsx';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

const QUICK = [10, 25, 50, 100];

/** Add or redeem on the terminal: big buttons for common amounts, a field for any other. */
function PosAction(p: { base: string; c: CustomerView; action: 'add' | 'redeem'; state: FormState }) {
  const verb = p.action === 'add' ? 'Add' : 'Redeem';
  const id = `pos-${p.action}`;
  return (
    <form class={`pos-action ${p.action}`} hx-post={`${p.base}/pos/${p.c.id}/${p.action}`} hx-target="#pos-card"
      hx-swap="outerHTML" hx-disable="find button">
      <h3>{verb} points</h3>
      <div class="quick" role="group" aria-label={`${verb} a common amount`}>
        {QUICK.map((n) => (
          <button type="submit" name="quick" value={String(n)} class={`btn big ${p.action === 'redeem' ? 'warn' : ''}`}>
            {verb} {n}
          </button>
        ))}
      </div>
      <label for={`${id}-points`}>Other amount</label>
      <div class="row">
        <input id={`${id}-points`} name="points" inputmode="numeric" autocomplete="off" class="big"
          value={p.state.values?.points ?? ''} aria-invalid={p.state.errors?.points ? 'true' : undefined}
          aria-describedby={`${id}-points-error`} />
        <button type="submit" class={`btn big ${p.action === 'redeem' ? 'warn' : ''}`}>{verb}</button>
      </div>
      <FieldError state={p.state} name="points" id={`${id}-points-error`} />
    </form>
  );
}

/** The looked-up customer: live balance and the two actions; re-rendered after each action. */
export function PosCard(p: {
  base: string; c: CustomerView | null; seq: number; phone?: string; notFound?: boolean;
  action?: 'add' | 'redeem'; state?: FormState;
}) {
  if (!p.c) {
    return (
      <section id="pos-card" class="card pos-card" aria-live="polite">
        {p.notFound ? (
          <>
            <p class="warn-text" role="alert">No customer has the number {p.phone}.</p>
            <form hx-post={`${p.base}/pos/enrol`} hx-target="#pos-card" hx-swap="outerHTML" class="row">
              <input type="hidden" name="phone" value={p.phone ?? ''} />
              <label for="pos-enrol-name" class="sr-only">Name (optional)</label>
              <input id="pos-enrol-name" name="name" placeholder="Name (optional)" class="big" autocomplete="off" />
              <button type="submit" class="btn big">Enrol {p.phone}</button>
            </form>
          </>
        ) : p.state?.errors?.phone ? <p class="field-error" role="alert">{p.state.errors.phone}</p>
          : <p class="muted">Look up a customer by phone number.</p>}
      </section>
    );
  }
  const c = p.c;
  const empty: FormState = {};
  return (
    <section id="pos-card" class="card pos-card" aria-live="polite" aria-label={`Customer ${c.name ?? c.phone}`}>
      <div class="pos-head">
        <div>
          <div class="pos-name">{c.name || 'Unnamed customer'}</div>
          <div class="mono muted">{c.phone}</div>
        </div>
        <div class="pos-balance"><span class="muted">Points</span><Balance customerId={c.id} points={c.pointsBalance} seq={p.seq} /></div>
      </div>
      {p.state?.message ? <p class="ok big-text" role="status">{p.state.message}</p> : null}
      {p.state?.errors?.form ? <p class="field-error big-text" role="alert">{p.state.errors.form}</p> : null}
      {/* Rewards the balance covers (src/admin/posRewards.tsx), fetched as the card appears. */}
      <div hx-get={`${p.base}/pos/${c.id}/rewards`} hx-trigger="load" hx-swap="outerHTML"></div>
      <div class="pos-actions">
        <PosAction base={p.base} c={c} action="add" state={p.action === 'add' ? p.state ?? empty : empty} />
        <PosAction base={p.base} c={c} action="redeem" state={p.action === 'redeem' ? p.state ?? empty : empty} />
      </div>
    </section>
  );
}

export function PosPage(p: { meta: PageMeta }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="POS loyalty terminal" active="pos">
      <form class="pos-lookup" hx-get={`${base}/pos/lookup`} hx-target="#pos-card" hx-swap="outerHTML" role="search">
        <label for="pos-phone">Customer phone</label>
        <div class="row">
          <input id="pos-phone" name="phone" type="tel" inputmode="tel" autocomplete="off" class="big" required autofocus />
          <button type="submit" class="btn big">Look up</button>
        </div>
      </form>
      <PosCard base={base} c={null} seq={p.meta.seq} />
    </Layout>
  );
}
