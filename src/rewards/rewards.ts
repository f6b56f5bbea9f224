import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { atLocation } from '../locations/where.ts';
import type { CustomerRewards, Reward, RewardCreate, RewardPatch, RewardRedeemRequest, RewardRedemption } from './schemas.ts';

// The rewards domain, both doors: the menu (owners manage it), redeeming a reward for a customer, and
// the reads the POS and customer pages show. Money rules live in sql/0015_rewards.sql: reward_redeem()
// spends the cost through points_redeem(), under the customer's lock, naming the reward on the ledger
// row and the loyalty_updated event. Rewards are never deleted: deactivating keeps history naming them.

const checkId = (id: string, what: string) => {
  if (!Id.safeParse(id).success) throw notFound(what);
  return id;
};

/** The menu, cheapest first (inactive ones too: `activeOnly` for tills). */
export async function listRewards(db: Db, caller: Caller, activeOnly = false): Promise<Reward[]> {
  authorize(caller, 'rewards.read');
  const rows = await db`select reward_json(r) as r from rewards r
    where tenant_id = ${caller.tenantId} and (r.active or not ${activeOnly}) order by r.points_cost, r.seq`;
  return rows.map((row) => row.r as Reward);
}

/** Every reward, for the admin page that changes them: owners only. */
export async function rewardsForEditing(db: Db, caller: Caller): Promise<Reward[]> {
  authorize(caller, 'rewards.manage');
  return listRewards(db, caller);
}

/** One reward, for the admin card that edits it: owners only; another tenant's is 404. */
export async function rewardForEditing(db: Db, caller: Caller, id: string): Promise<Reward> {
  authorize(caller, 'rewards.manage');
  const [row] = await db`select reward_json(r) as r from rewards r where tenant_id = ${caller.tenantId} and id = ${checkId(id, 'Reward')}`;
  if (!row) throw notFound('Reward');
  return row.r as Reward;
}

export async function createReward(db: Db, caller: Caller, input: RewardCreate): Promise<Reward> {
  authorize(caller, 'rewards.manage');
  const [{ r }] = await db`select reward_save(${caller.tenantId}, null, ${db.json(input)}, ${caller.actor}) as r`;
  return r as Reward;
}

export async function updateReward(db: Db, caller: Caller, id: string, patch: RewardPatch): Promise<Reward> {
  authorize(caller, 'rewards.manage');
  const [{ r }] = await db`select reward_save(${caller.tenantId}, ${checkId(id, 'Reward')}, ${db.json(patch)}, ${caller.actor}) as r`;
  return r as Reward;
}

/** Spend a reward's cost: 409 insufficient_points when short, 409 reward_inactive, 404 for another tenant's. */
export async function redeemReward(db: Db, caller: Caller, customerId: string, rewardId: string,
  input: RewardRedeemRequest): Promise<RewardRedemption> {
  authorize(caller, 'points.redeem');
  checkId(customerId, 'Customer');
  checkId(rewardId, 'Reward');
  return atLocation(db, caller, input.locationId, async (tx) => {
    const [{ r }] = await tx`select reward_redeem(${caller.tenantId}, ${customerId}, ${rewardId}, ${caller.actor}) as r`;
    return r as RewardRedemption;
  });
}

/** A customer's balance against the active menu: what it buys now (the POS buttons), what it saves towards. */
export async function customerRewards(db: Db, caller: Caller, customerId: string): Promise<CustomerRewards> {
  authorize(caller, 'rewards.read');
  const [c] = await db`select points_balance from customers where tenant_id = ${caller.tenantId} and id = ${checkId(customerId, 'Customer')}`;
  if (!c) throw notFound('Customer');
  const balance = c.points_balance as number;
  const menu = await listRewards(db, caller, true);
  const next = menu.find((r) => r.pointsCost > balance);
  return {
    pointsBalance: balance,
    affordable: menu.filter((r) => r.pointsCost <= balance),
    next: next ? { reward: next, pointsToGo: next.pointsCost - balance } : null,
  };
}
