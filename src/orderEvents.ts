import { z } from '@hono/zod-openapi';

// `data` of the events that orders, gift cards and reconciliation emit (sql/0002_orders_gift_cards.sql
// builds them; test/orders and test/giftCards assert them row for row). The realtime catalogue lists them.

export const OrderItem = z
  .object({
    name: z.string(),
    quantity: z.number().int(),
    unitPriceCents: z.number().int(),
    lineTotalCents: z.number().int(),
  })
  .strict();

export const NewOrder = z
  .object({
    orderId: z.string(),
    orderNumber: z.string().describe('Per-tenant human number, ORD-1001, ORD-1002, …'),
    source: z.enum(['online', 'pos']),
    status: z.literal('pending'),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    customerPhone: z.string().nullable().describe('E.164'),
    orderType: z.enum(['delivery', 'collection', 'dine_in']),
    totalCents: z.number().int().describe('Still to pay after points discount and gift card'),
    items: z.array(OrderItem),
    specialInstructions: z.string().nullable(),
    createdAt: z.string(),
  })
  .strict()
  .describe('An order was placed (online or at a till). Kitchen and counter screens add it.');

export const OrderUpdated = z
  .object({
    orderId: z.string(),
    orderNumber: z.string(),
    source: z.enum(['online', 'pos']),
    status: z.enum(['preparing', 'ready', 'completed', 'cancelled']),
    previousStatus: z.enum(['pending', 'preparing', 'ready']),
    updatedAt: z.string(),
  })
  .strict()
  .describe("An order's status changed (pending → preparing → ready → completed, or cancelled).");

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
    purchasedBy: z.string(),
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

export const ReconciliationResolved = z
  .object({
    id: z.string(),
    kind: z.string(),
    customerId: z.string().nullable(),
    orderId: z.string().nullable(),
    giftCardId: z.string().nullable(),
    points: z.number().int(),
    amountCents: z.number().int(),
    detail: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string(),
    resolvedBy: z.string(),
    resolutionNote: z.string(),
    resolutionTransactionId: z.string().nullable(),
  })
  .strict()
  .describe('A reconciliation item was resolved (with a correcting ledger row when points were given).');

export const orderEventCatalogue = {
  new_order: NewOrder,
  order_updated: OrderUpdated,
  gift_card_purchased: GiftCardPurchased,
  gift_card_redeemed: GiftCardRedeemed,
  gift_card_updated: GiftCardUpdated,
  reconciliation_resolved: ReconciliationResolved,
};
