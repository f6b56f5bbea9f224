import { LiveRegion } from './shell/liveRegion.tsx';
import type { FormState } from './shell/form.tsx';
import { FieldError } from './shell/form.tsx';
import { count, money } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

// The rewards menu (owners), the POS reward buttons, and a customer's progress to the next reward.

type RewardView = { id: string; name: string; pointsCost: number; discountCents?: number; freeItem?: string; active: boolean };

/** What a reward gives, in words: "£5.00 off" or "Free Coffee". */
export const gives = (r: RewardView, currency: string) =>
  r.discountCents !== undefined ? `${money(r.discountCents, currency)} off` : `Free ${r.freeItem ?? ''}`.trim();

/** The form's values for a reward as it is stored (the discount in major units, as typed). */
export const rewardValues = (r: RewardView): Record<string, string> => ({
  name: r.name, pointsCost: String(r.pointsCost),
  discount: r.discountCents !== undefined ? (r.discountCents / 100).toFixed(2) : '', freeItem: r.freeItem ?? '',
});

type FieldName = 'name' | 'pointsCost' | 'discount' | 'freeItem';

function Field(p: { id: string; name: FieldName; label: string; state: FormState; hint?: string; required?: boolean }) {
  const error = p.name === 'discount' ? p.state.errors?.discount ?? p.state.errors?.discountCents : p.state.errors?.[p.name];
  const numeric = p.name === 'pointsCost' || p.name === 'discount';
  return (
    <div class="stack">
      <label for={p.id}>{p.label}</label>
      <input id={p.id} name={p.name} autocomplete="off" value={p.state.values?.[p.name] ?? ''} required={p.required}
        inputmode={numeric ? (p.name === 'discount' ? 'decimal' : 'numeric') : undefined} maxlength={numeric ? 14 : 100}
        aria-invalid={error ? 'true' : undefined} aria-describedby={`${p.id}-error${p.hint ? ` ${p.id}-hint` : ''}`} />
      {p.hint ? <small id={`${p.id}-hint`} class="muted">{p.hint}</small> : null}
      {error ? <p id={`${p.id}-error`} class="field-error" role="alert">{error}</p> : <span id={`${p.id}-error`} class="field-error" hidden></span>}
    </div>
  );
}

function Fields(p: { id: string; state: FormState; editing?: boolean }) {
  return (
    <div class="forms3">
      <Field id={`${p.id}-name`} name="name" label="Name" state={p.state} required hint={p.editing ? undefined : 'e.g. Free coffee'} />
      <Field id={`${p.id}-pointsCost`} name="pointsCost" label="Points cost" state={p.state} required hint={p.editing ? undefined : 'e.g. 100'} />
      <Field id={`${p.id}-discount`} name="discount" label="Discount" state={p.state} hint="An amount off, e.g. 5.00 …" />
      <Field id={`${p.id}-freeItem`} name="freeItem" label="Free item" state={p.state} hint="… or a free item, e.g. Coffee (one of the two)" />
    </div>
  );
}

/** Add a reward. Comes back cleared (with a success line) after a create, or as typed with inline errors. */
export function NewRewardForm(p: { base: string; state?: FormState }) {
  const s = p.state ?? {};
  return (
    <form id="reward-form" class="card stack" hx-post={`${p.base}/rewards`} hx-target="this" hx-swap="outerHTML">
      <h2>Add a reward</h2>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <Fields id="new-reward" state={s} />
      <div class="row"><button type="submit" class="btn">Add reward</button></div>
    </form>
  );
}

/** One reward, editable in place; its buttons answer with this card again. */
export function RewardCard(p: { base: string; r: RewardView; currency: string; state?: FormState }) {
  const { r } = p;
  const s: FormState = p.state ?? { values: rewardValues(r) };
  const id = `reward-${r.id}`;
  return (
    <article id={id} class="card stack" data-active={r.active ? '1' : '0'}>
      <form class="stack" hx-post={`${p.base}/rewards/${r.id}`} hx-target="closest article" hx-swap="outerHTML" aria-label={`Reward ${r.name}`}>
        <div class="row wrap">
          <h3>{r.name}</h3>
          <span class="tag">{count(r.pointsCost)} points · {gives(r, p.currency)}</span>
          {r.active ? null : <span class="tag">inactive</span>}
        </div>
        {s.message ? <p class="ok" role="status">{s.message}</p> : null}
        <FieldError state={s} name="form" />
        <Fields id={id} state={s} editing />
        <div class="row wrap">
          <button type="submit" class="btn secondary">Save</button>
          <button type="button" class={r.active ? 'btn link danger' : 'btn secondary'}
            hx-post={`${p.base}/rewards/${r.id}/active`} hx-vals={JSON.stringify({ active: String(!r.active) })}
            hx-target="closest article" hx-swap="outerHTML">
            {r.active ? 'Deactivate' : 'Activate'}
          </button>
        </div>
      </form>
    </article>
  );
}

export function RewardList(p: { base: string; rewards: RewardView[]; currency: string; oob?: boolean }) {
  return (
    <section id="reward-list" aria-label="Rewards" hx-swap-oob={p.oob ? 'true' : undefined}>
      {p.rewards.length ? (
        <div class="cards">{p.rewards.map((r) => <RewardCard base={p.base} r={r} currency={p.currency} />)}</div>
      ) : <p class="empty">No rewards yet: add one, and the POS offers it to every customer who can afford it.</p>}
    </section>
  );
}

export function RewardsPage(p: { meta: PageMeta; rewards: RewardView[]; currency: string }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Rewards" active="rewards">
      <p class="muted">What customers can spend points on. Inactive rewards are kept (the ledger names them) but not offered.</p>
      <NewRewardForm base={base} />
      <RewardList base={base} rewards={p.rewards} currency={p.currency} />
    </Layout>
  );
}

export const posRewardsId = (customerId: string) => `pos-rewards-${customerId}`;
export const posRewardsHref = (base: string, customerId: string) => `${base}/pos/${customerId}/rewards`;
/** What re-reads the reward buttons and the progress line besides the customer's own loyalty_updated. */
const MENU_EVENTS = ['reward_created', 'reward_updated'];

/**
 * The POS: one big button per reward the loaded customer can afford; a tap redeems it. Live: the
 * customer's balance moving (another till, an expiry pass) or the menu changing re-reads it.
 */
export function PosRewards(p: { base: string; customerId: string; rewards: RewardView[]; currency: string; seq: number }) {
  // Rendered (hidden) even when empty, so the card says it has looked and a later event can fill it.
  const n = p.rewards.length;
  return (
    <LiveRegion tag="section" id={posRewardsId(p.customerId)} class="pos-rewards" href={posRewardsHref(p.base, p.customerId)}
      seq={p.seq} on={MENU_EVENTS} hidden={!n} label={n ? 'Rewards this customer can afford' : undefined}
      attrs={{ 'data-count': String(n) }}>
      {n ? (
        <>
          <h3>Rewards</h3>
          <div class="quick">
            {p.rewards.map((r) => (
              <button type="button" class="btn big reward" hx-post={`${p.base}/pos/${p.customerId}/rewards/${r.id}`}
                hx-target="#pos-card" hx-swap="outerHTML" hx-disable="this">
                <span>{r.name}</span> <small>{count(r.pointsCost)} pts · {gives(r, p.currency)}</small>
              </button>
            ))}
          </div>
        </>
      ) : null}
    </LiveRegion>
  );
}

export const progressId = (customerId: string) => `progress-${customerId}`;
export const progressHref = (base: string, customerId: string) => `${base}/customers/${customerId}/progress`;

/**
 * "40 points to Free coffee", or what the balance can already buy. Live like the POS buttons; an empty
 * region stays (hidden) so a later event can fill it.
 */
export function RewardProgress(p: {
  base: string; customerId: string; seq: number;
  balance: number; next: { reward: RewardView; pointsToGo: number } | null; affordable: number;
}) {
  const pct = p.next ? Math.floor((100 * p.balance) / p.next.reward.pointsCost) : 100;
  return (
    <LiveRegion tag="section" id={progressId(p.customerId)} class="card stack reward-progress" href={progressHref(p.base, p.customerId)}
      seq={p.seq} on={MENU_EVENTS} hidden={!p.next && !p.affordable} label="Rewards progress">
      {p.next ? (
        <>
          <p><strong>{count(p.next.pointsToGo)} points</strong> to {p.next.reward.name}</p>
          <progress max={p.next.reward.pointsCost} value={p.balance} aria-label={`${pct}% of the way to ${p.next.reward.name}`}>{pct}%</progress>
        </>
      ) : null}
      {p.affordable ? <p class="muted">Enough points for {p.affordable === 1 ? '1 reward' : `${p.affordable} rewards`} now.</p> : null}
    </LiveRegion>
  );
}
