import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { duplicateSuggestions, eraseCustomer, mergeCustomers } from '../customers/mergeErase.ts';
import { MergeCustomers } from '../customers/schemas.ts';
import { NumbersOob } from '../../views/customers/balance.tsx';
import { DuplicatesPanel, ErasePanel } from '../../views/customers/mergeErase.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { formFields, parseForm, refusal } from './forms.ts';
import { type AdminEnv, change, fragment } from './context.ts';

// The customer page's merge and erase actions. Same domain commands and policy as
// POST /api/v1/customers/{id}/merge and /erase; 403 and 404 take the one error path (refusal()).

export function customerMergeErasePages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/customers/:id/duplicates', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    const suggestions = await duplicateSuggestions(sql, caller, id);
    return fragment(c, <DuplicatesPanel base={adminBase(caller.tenantSlug)} customerId={id} suggestions={suggestions} />);
  });

  app.post('/customers/:id/merge', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    const parsed = parseForm(MergeCustomers, { duplicateId: (await formFields(c)).duplicateId });
    if (parsed.errors) return fragment(c, <DuplicatesPanel base={base} customerId={id} error={parsed.errors.duplicateId ?? parsed.errors.form} />, 422);
    try {
      const { seq, data: s } = await change(sql, caller.tenantId, (tx) => mergeCustomers(tx, caller, id, parsed.data));
      return fragment(c, <>
        <DuplicatesPanel base={base} customerId={id} message={`Merged. Balance now ${s.pointsBalance.toLocaleString('en-GB')} points.`} />
        <NumbersOob seq={seq} n={{ customerId: s.id, pointsBalance: s.pointsBalance, totalPointsEarned: s.totalPointsEarned, totalPointsRedeemed: s.totalPointsRedeemed }} />
      </>);
    } catch (err) {
      return fragment(c, <DuplicatesPanel base={base} customerId={id} error={refusal(err, 'duplicateId').duplicateId} />, 409);
    }
  });

  app.post('/customers/:id/erase', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    // The button's confirmation travels as a field, so a stray POST without it erases nothing.
    if ((await formFields(c)).confirm !== 'erase') {
      return fragment(c, <ErasePanel base={base} customerId={id} erased={false} message="Confirm the erasure to go ahead." />, 422);
    }
    await change(sql, caller.tenantId, (tx) => eraseCustomer(tx, caller, id));
    return fragment(c, <ErasePanel base={base} customerId={id} erased message="Erased. Their points were written off." />);
  });

  return app;
}
