import { z } from '@hono/zod-openapi';
import { Changes } from './editSchemas.ts';
import { Customer, LedgerRow } from './schemas.ts';

// `data` of the customer events. customer_enrol() and loyalty_earn() emit customer_created;
// apply_points() emits loyalty_updated (sql/0001_core.sql). src/events/catalogue.ts spreads these in.

export const CustomerCreated = z
  .object({ customer: Customer })
  .strict()
  .describe('A customer was enrolled (via the API, an earn on an unknown phone, or checkout). Live customer lists add the row.');

export const LoyaltyUpdated = z
  .object({
    customerId: z.string(),
    customerPhone: z.string().nullable().describe('E.164; null once erased'),
    customerName: z.string().nullable(),
    pointsChange: z.number().int().describe('Signed: negative for redemptions'),
    newBalance: z.number().int(),
    totalPointsEarned: z.number().int(),
    totalPointsRedeemed: z.number().int(),
    transactionType: LedgerRow.shape.type,
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    transactionId: z.string().describe('The ledger row id'),
    rewardId: z.string().optional().describe('On the redemption of a reward (sql/0015_rewards.sql): which one'),
    rewardName: z.string().optional().describe("The reward's name when it was redeemed"),
  })
  .strict()
  .describe("A customer's points balance changed (add, redeem, adjust, earn, reversal, or expire: points past their date): one event per ledger row.");

export const CustomerMerged = z
  .object({
    customerId: z.string().describe('The survivor'),
    duplicateId: z.string().describe('The customer folded into it; its old phone now finds the survivor'),
    pointsMoved: z.number().int(),
    customer: Customer,
  })
  .strict()
  .describe('customer_merge() folded a duplicate into a survivor. Live lists drop the duplicate and refresh the survivor.');

export const CustomerErased = z
  .object({
    customerId: z.string(),
    mergedIds: z.array(z.string()).describe('Duplicates once merged into it, erased with it'),
  })
  .strict()
  .describe("customer_erase() removed a person's data on request. Live pages blank the row.");

export const CustomerUpdated = z
  .object({
    customer: Customer.describe('The customer as saved, with its new version'),
    changes: Changes,
    actor: z.string().nullable().describe('Who edited: `admin:<id>` or `key:<id>`'),
  })
  .strict()
  .describe('A customer was edited (customer_edit(), sql/0011_customer_edit.sql). Open pages show the new values; an untouched edit form refreshes.');

export const customerEventCatalogue = {
  customer_created: CustomerCreated, loyalty_updated: LoyaltyUpdated, customer_updated: CustomerUpdated,
  customer_merged: CustomerMerged, customer_erased: CustomerErased,
};
