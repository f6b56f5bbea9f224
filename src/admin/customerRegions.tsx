import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { customerDetail } from '../customers/expiry.ts';
import { customerRewards } from '../rewards/rewards.ts';
import { ExpiryRegion } from '../../views/customers/expiry.tsx';
import { RewardProgress } from '../../views/rewards.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, snapshot, zone } from './context.ts';

// The customer page's live regions (views/shell/liveRegion.tsx): the reward progress line and the
// next expiry, each re-read whole when an event says it changed. Each answer is one snapshot and
// carries its event id, so the page keeps the newer of two overlapping answers.

export function customerRegionPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/customers/:id/progress', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerRewards(tx, caller, id));
    return fragment(c, <RewardProgress base={adminBase(caller.tenantSlug)} customerId={id} seq={seq}
      balance={data.pointsBalance} next={data.next} affordable={data.affordable.length} />);
  });

  app.get('/customers/:id/expiry', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerDetail(tx, caller, c.req.param('id')));
    return fragment(c, <ExpiryRegion base={adminBase(caller.tenantSlug)} customerId={data.id} next={data.nextExpiry} seq={seq} tz={zone(c)} />);
  });

  return app;
}
