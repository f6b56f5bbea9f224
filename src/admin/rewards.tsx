import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { createReward, rewardForEditing, rewardsForEditing, updateReward } from '../rewards/rewards.ts';
import { RewardCreate, RewardPatch } from '../rewards/schemas.ts';
import { NewRewardForm, RewardCard, RewardList, RewardsPage, rewardValues } from '../../views/rewards.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';
import { type FieldErrors, formFields, moneyField, numberField, optionalText, parseForm, refusal } from './forms.ts';

/** The form's fields as the API's bodies name them: a blank discount or free item is not sent. */
const fromForm = (f: Record<string, string>) => ({
  name: f.name ?? '', pointsCost: numberField(f.pointsCost ?? ''),
  discountCents: moneyField(optionalText(f.discount?.trim())), freeItem: optionalText(f.freeItem?.trim()),
});

/** A refusal of the domain as inline errors: a field the schema names, else the whole form. */
function rewardRefusal(err: unknown): FieldErrors {
  const p = toProblem(err);
  const field = Array.isArray(p.errors) ? (p.errors as { path: string; message: string }[])[0] : undefined;
  if (p.status === 400 && field) return { [field.path]: field.message };
  return refusal(err, 'form');
}

/**
 * Rewards (owners): the same createReward/updateReward as POST and PATCH /api/v1/rewards, with the same
 * schemas. Each answer is the smallest fragment: the add form, or the one reward's card.
 */
export function rewardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/rewards', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => rewardsForEditing(tx, caller));
    return page(c, <RewardsPage meta={meta(c, seq)} rewards={data} currency={c.get('session').currency} />);
  });

  app.post('/rewards', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const currency = c.get('session').currency;
    const f = await formFields(c);
    await rewardsForEditing(sql, caller); // refuse staff before judging the form
    const parsed = parseForm(RewardCreate, fromForm(f));
    if (parsed.errors) return fragment(c, <NewRewardForm base={base} state={{ values: f, errors: parsed.errors }} />, 422);
    try {
      const made = await createReward(sql, caller, parsed.data);
      const all = await rewardsForEditing(sql, caller);
      return fragment(c, <>
        <NewRewardForm base={base} state={{ message: `${made.name} added.` }} />
        <RewardList base={base} rewards={all} currency={currency} oob />
      </>);
    } catch (err) {
      return fragment(c, <NewRewardForm base={base} state={{ values: f, errors: rewardRefusal(err) }} />, 422);
    }
  });

  app.post('/rewards/:id', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const currency = c.get('session').currency;
    const f = await formFields(c);
    const r = await rewardForEditing(sql, caller, c.req.param('id'));
    const parsed = parseForm(RewardPatch, fromForm(f));
    if (parsed.errors) return fragment(c, <RewardCard base={base} r={r} currency={currency} state={{ values: f, errors: parsed.errors }} />, 422);
    try {
      const saved = await updateReward(sql, caller, r.id, parsed.data);
      return fragment(c, <RewardCard base={base} r={saved} currency={currency} state={{ values: rewardValues(saved), message: 'Saved.' }} />);
    } catch (err) {
      return fragment(c, <RewardCard base={base} r={r} currency={currency} state={{ values: f, errors: rewardRefusal(err) }} />, 422);
    }
  });

  // The card's Activate/Deactivate button sends `active` (hx-vals); the form's other fields, which htmx
  // sends along, are not saved with it.
  app.post('/rewards/:id/active', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const currency = c.get('session').currency;
    const f = await formFields(c);
    const r = await rewardForEditing(sql, caller, c.req.param('id'));
    if (f.active !== 'true' && f.active !== 'false') {
      return fragment(c, <RewardCard base={base} r={r} currency={currency} state={{ values: rewardValues(r), errors: { form: 'Choose to activate or deactivate.' } }} />, 422);
    }
    const active = f.active === 'true';
    const saved = await updateReward(sql, caller, r.id, { active });
    const message = active ? 'Active: the POS offers it.' : 'Inactive: kept, but no longer offered or redeemable.';
    return fragment(c, <RewardCard base={base} r={saved} currency={currency} state={{ values: rewardValues(saved), message }} />);
  });

  return app;
}
