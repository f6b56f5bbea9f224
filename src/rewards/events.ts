import { z } from '@hono/zod-openapi';
import { Reward } from './schemas.ts';

// `data` of the reward events: reward_save() (sql/0015_rewards.sql) emits them. A redemption is a
// loyalty_updated event (customers/events.ts) that names the reward (rewardId, rewardName).

const RewardCreated = z.object({ reward: Reward }).strict()
  .describe('An owner added a reward to the menu. POS pages offer it to customers who can afford it.');
const RewardUpdated = z.object({ reward: Reward }).strict()
  .describe('A reward was renamed, repriced, or (de)activated.');

export const rewardEventCatalogue = { reward_created: RewardCreated, reward_updated: RewardUpdated };
