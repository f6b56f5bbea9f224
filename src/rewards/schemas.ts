import { z } from '@hono/zod-openapi';
import { Customer, LedgerRow } from '../customers/schemas.ts';
import { LocationField } from '../locations/schemas.ts';

// The rewards menu in the v1 contract, for both doors. Bounds as elsewhere (README, "Bounds"): a cost
// is at most one change's worth of points, a discount at most an order total.

const NAME = 'A name of 1 to 100 characters, such as Free coffee.';
const ITEM = 'The free item: 1 to 100 characters, such as Coffee.';

const MAX_REWARD_POINTS = 1_000_000;
const MAX_REWARD_DISCOUNT_CENTS = 100_000_000;

const RewardName = z.string({ error: NAME }).trim().min(1, NAME).max(100, NAME);
const FreeItem = z.string({ error: ITEM }).trim().min(1, ITEM).max(100, ITEM);
const COST = 'A whole number of points from 1 to 1,000,000.';
const DISCOUNT = 'A discount from 0.01 to 1,000,000.00 (1 to 100,000,000 minor units).';
const PointsCost = z.number({ error: COST }).int(COST).min(1, COST).max(MAX_REWARD_POINTS, COST)
  .openapi({ description: 'Points the reward costs', example: 100 });
const DiscountCents = z.number({ error: DISCOUNT }).int(DISCOUNT).min(1, DISCOUNT).max(MAX_REWARD_DISCOUNT_CENTS, DISCOUNT)
  .openapi({ description: 'A fixed amount off the order, in minor units', example: 500 });

export const Reward = z
  .object({
    id: z.string(),
    name: z.string().openapi({ example: 'Free coffee' }),
    pointsCost: z.number().int(),
    discountCents: z.number().int().optional().openapi({ description: 'Present on a discount reward' }),
    freeItem: z.string().optional().openapi({ description: 'Present on a free-item reward' }),
    active: z.boolean().openapi({ description: 'Inactive rewards stay on the menu for owners but cannot be redeemed' }),
    createdAt: z.string(),
  })
  .openapi('Reward');
export type Reward = z.infer<typeof Reward>;

export const RewardList = z.object({ data: z.array(Reward) }).openapi('RewardList');
export type RewardList = z.infer<typeof RewardList>;

const ONE_KIND = 'A reward is exactly one of discountCents or freeItem.';

export const RewardCreate = z
  .object({ name: RewardName, pointsCost: PointsCost, discountCents: DiscountCents.optional(), freeItem: FreeItem.optional(), active: z.boolean().optional() })
  .strict()
  .refine((r) => (r.discountCents === undefined) !== (r.freeItem === undefined), { path: ['discountCents'], message: ONE_KIND })
  .openapi('RewardCreate');
export type RewardCreate = z.infer<typeof RewardCreate>;

export const RewardPatch = z
  .object({ name: RewardName, pointsCost: PointsCost, discountCents: DiscountCents, freeItem: FreeItem, active: z.boolean() })
  .partial()
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Send at least one field to change.')
  .refine((p) => p.discountCents === undefined || p.freeItem === undefined, { path: ['discountCents'], message: ONE_KIND })
  .openapi('RewardPatch');
export type RewardPatch = z.infer<typeof RewardPatch>;

export const RewardRedeemRequest = z.object({ locationId: LocationField }).strict().openapi('RewardRedeemRequest');
export type RewardRedeemRequest = z.infer<typeof RewardRedeemRequest>;

export const RewardRedemption = z
  .object({
    transaction: LedgerRow.extend({ rewardId: z.string().openapi({ description: 'The reward this redeem row paid for' }) }),
    customer: Customer,
    reward: Reward,
  })
  .openapi('RewardRedemption');
export type RewardRedemption = z.infer<typeof RewardRedemption>;

export const RewardPathParams = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The customer' }),
  rewardId: z.string().uuid().openapi({ param: { name: 'rewardId', in: 'path' }, description: 'The reward' }),
});

export const CustomerRewards = z
  .object({
    pointsBalance: z.number().int(),
    affordable: z.array(Reward).openapi({ description: 'Active rewards the balance covers, cheapest first' }),
    next: z.object({ reward: Reward, pointsToGo: z.number().int() }).nullable()
      .openapi({ description: 'The cheapest active reward not yet covered, and the points still needed' }),
  })
  .openapi('CustomerRewards');
export type CustomerRewards = z.infer<typeof CustomerRewards>;
