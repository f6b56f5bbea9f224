import { z } from '@hono/zod-openapi';

// `data` of the events orders emit (sql/0002_orders_gift_cards.sql builds them; test/orders/eventPayloads.test.ts
// holds every emitted payload to these schemas). src/events/catalogue.ts lists them.

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

export const orderEventCatalogue = {
  new_order: NewOrder,
  order_updated: OrderUpdated,
};
