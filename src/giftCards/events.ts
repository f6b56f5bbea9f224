import { z } from '@hono/zod-openapi';

// `data` of the events gift cards emit (sql/0002_orders_gift_cards.sql builds them). Full codes never
// travel on the stream: events carry the masked code. src/events/catalogue.ts lists them.

const giftCardChange = {
  giftCardId: z.string(),
  maskedCode: z.string().describe('GC-****-****-****-XXXX: full codes never travel on the stream'),
  status: z.enum(['active', 'void', 'expired']),
  amountCents: z.number().int().describe('Signed change of the balance'),
  balanceCents: z.number().int(),
  orderId: z.string().nullable(),
  activityId: z.string().nullable().describe('The activity row; null for voiding a card with nothing left on it'),
};

export const GiftCardPurchased = z
  .object({
    giftCardId: z.string(),
    maskedCode: z.string(),
    initialCents: z.number().int(),
    balanceCents: z.number().int(),
    purchasedBy: z.string().nullable().describe('null once the buyer was erased'),
    customerId: z.string().nullable().describe('The customer who bought it, or null'),
    recipientName: z.string().nullable(),
    recipientEmail: z.string().nullable(),
    expiresAt: z.string().nullable(),
    activityId: z.string(),
  })
  .strict()
  .describe('A gift card was sold or issued.');

export const GiftCardRedeemed = z
  .object({ ...giftCardChange, activityType: z.literal('redeem') })
  .strict()
  .describe('A gift card paid for something (at checkout or on its own).');

export const GiftCardUpdated = z
  .object({ ...giftCardChange, activityType: z.enum(['refund', 'void']) })
  .strict()
  .describe("A gift card's balance or status changed otherwise: refunded by a cancelled order, or voided.");

export const giftCardEventCatalogue = {
  gift_card_purchased: GiftCardPurchased,
  gift_card_redeemed: GiftCardRedeemed,
  gift_card_updated: GiftCardUpdated,
};
