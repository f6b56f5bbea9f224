import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { customerById } from '../customers/customers.ts';
import { customerRewards, redeemReward } from '../rewards/rewards.ts';
import { PosCard } from '../../views/pos.tsx';
import { PosRewards } from '../../views/rewards.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, change, fragment, snapshot } from './context.ts';
import { formFields, refusal } from './forms.ts';

// The POS reward buttons: the card loads them (one big button per reward the balance covers) and a tap
// redeems through the same redeemReward as POST /api/v1/customers/{id}/rewards/{rewardId}/redeem.

export function posRewardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/pos/:id/rewards', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerRewards(tx, caller, id));
    return fragment(c, <PosRewards base={adminBase(caller.tenantSlug)} customerId={id} seq={seq}
      rewards={data.affordable} currency={c.get('session').currency} />);
  });

  app.post('/pos/:id/rewards/:rewardId', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    await formFields(c); // a form or nothing: any other body is refused (415), as for every admin POST
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) => redeemReward(tx, caller, id, c.req.param('rewardId'), {}));
      const left = data.customer.pointsBalance;
      return fragment(c, <PosCard base={base} c={data.customer} seq={seq}
        state={{ message: `Redeemed ${data.reward.name}: ${left} point${left === 1 ? '' : 's'} left.` }} />);
    } catch (err) {
      const errors = refusal(err, 'form');
      const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerById(tx, caller, id));
      return fragment(c, <PosCard base={base} c={data} seq={seq} state={{ errors }} />, 409);
    }
  });

  return app;
}
