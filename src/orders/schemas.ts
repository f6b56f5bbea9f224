import { z } from '@hono/zod-openapi';
import { LocationField } from '../locations/schemas.ts';
import { GiftCardActivity, GiftCardCodeInput } from '../giftCards/schemas.ts';
import { LedgerRow } from '../customers/schemas.ts';
import { instant, isCalendarDay, isSaneInstant, MAX_YEAR, MIN_YEAR } from '../platform/dates.ts';
import { Email, Name, Phone } from '../platform/fields.ts';
import { Cursor, Limit, page } from '../platform/pagination.ts';
import { OrderItem } from './events.ts';

// Orders in the v1 contract, for both doors: the API validates JSON with these, the orders board maps
// its one-click status buttons onto OrderStatusRequest.

export const OrderSource = z.enum(['online', 'pos']);
export const OrderType = z.enum(['delivery', 'collection', 'dine_in']);

const STATUS = 'Use one of pending, preparing, ready, completed, cancelled.';
export const OrderStatus = z.enum(['pending', 'preparing', 'ready', 'completed', 'cancelled'], { error: STATUS });
export type OrderStatus = z.infer<typeof OrderStatus>;

/** The most one order's subtotal may be (minor units): with the earn rate's bound it keeps one order's points within a ledger row. */
export const MAX_ORDER_CENTS = 100_000_000;
const lineTotal = (items: { quantity: number; unitPriceCents: number }[]) => items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);

export const OrderRequest = z
  .object({
    source: OrderSource,
    orderType: OrderType,
    customer: z.object({ phone: Phone, name: Name.optional(), email: Email.optional() }).strict().optional()
      .openapi({ description: 'Found by phone (any common spelling); enrolled when new' }),
    items: z.array(z.object({
      name: z.string().trim().min(1).max(200),
      quantity: z.number().int().min(1).max(1000),
      unitPriceCents: z.number().int().min(0).max(10_000_000),
    }).strict()).min(1).max(100),
    specialInstructions: z.string().max(1000).optional(),
    redeemPoints: z.number().int().min(0).max(1_000_000).optional()
      .openapi({ description: "Points to spend as a discount at the tenant's point value; needs a customer; the discount may not exceed the subtotal" }),
    rewardId: z.string().uuid().optional()
      .openapi({ description: "Redeem a reward from the menu instead of raw points: its cost is redeemed; a discount reward takes its discountCents off, a free-item reward nothing (ring the item at 0); needs a customer; not with redeemPoints" }),
    giftCard: z.object({ code: GiftCardCodeInput, amountCents: z.number().int().min(1).max(100_000_000) }).strict().optional()
      .openapi({ description: 'Pay part of the order with a gift card; may not exceed what is left after the points discount' }),
    locationId: LocationField,
  })
  .strict()
  .refine((b) => !b.redeemPoints || b.customer, { path: ['redeemPoints'], message: 'redeeming points needs a customer' })
  .refine((b) => !b.rewardId || b.customer, { path: ['rewardId'], message: 'redeeming a reward needs a customer' })
  .refine((b) => !b.rewardId || !b.redeemPoints, { path: ['rewardId'], message: 'send a reward or redeemPoints, not both' })
  .refine((b) => lineTotal(b.items) <= MAX_ORDER_CENTS, { path: ['items'], message: `the order subtotal may not exceed ${MAX_ORDER_CENTS} minor units` })
  .openapi('OrderRequest');
export type OrderRequest = z.infer<typeof OrderRequest>;

export const Order = z
  .object({
    id: z.string(),
    orderNumber: z.string().openapi({ example: 'ORD-1001' }),
    source: OrderSource,
    orderType: OrderType,
    status: OrderStatus,
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    customerPhone: z.string().nullable(),
    items: z.array(OrderItem),
    subtotalCents: z.number().int(),
    pointsDiscountCents: z.number().int(),
    giftCardCents: z.number().int(),
    totalCents: z.number().int().openapi({ description: 'Still to pay: subtotal - points discount - gift card' }),
    pointsRedeemed: z.number().int(),
    pointsEarned: z.number().int().openapi({ description: 'Earned on subtotal - points discount (gift card spend counts as paid)' }),
    specialInstructions: z.string().nullable(),
    locationId: z.string().nullable().openapi({ description: 'The site it was placed at (a location id), or null' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Order');
export type Order = z.infer<typeof Order>;

export const OrderPage = page(Order, 'OrderPage');
export type OrderPage = z.infer<typeof OrderPage>;

const DAY_OR_INSTANT = `A day as YYYY-MM-DD or a date and time with its offset (2027-01-31T23:59:59Z): years ${MIN_YEAR} to ${MAX_YEAR}, offsets within ±14:00.`;
const ISO_INSTANT = z.string().datetime({ offset: true });
/** One end of the history's date range (src/orders/historyFilter.ts resolves it). */
const DayOrInstant = z.string({ error: DAY_OR_INSTANT }).max(40, DAY_OR_INSTANT)
  .refine((s) => isCalendarDay(s) || (ISO_INSTANT.safeParse(s).success && isSaneInstant(s)), DAY_OR_INSTANT);

export const OrderListQuery = z.object({
  status: OrderStatus.optional(),
  since: instant().optional().openapi({ description: 'Only orders created at or after this instant' }),
  q: z.string().max(100).optional().openapi({
    description: 'Order number (ORD-1001, 1001), customer name (accents and case ignored) or phone in any spelling',
    example: '07306 506797',
  }),
  from: DayOrInstant.optional().openapi({
    description: 'Created on or after: a day (YYYY-MM-DD, from its start, in the zone of your reach: your location\'s, ' +
      'else the one your locations share, else UTC) or an instant with its offset',
    example: '2027-01-01',
  }),
  to: DayOrInstant.optional().openapi({
    description: 'Created on or before: a day (to its end, same zone as `from`) or an instant (inclusive). Before `from` is 400',
    example: '2027-01-31',
  }),
  limit: Limit,
  cursor: Cursor,
});
export type OrderListQuery = z.infer<typeof OrderListQuery>;

export const OrderStatusRequest = z.object({ status: OrderStatus }).strict().openapi('OrderStatusRequest');
export type OrderStatusRequest = z.infer<typeof OrderStatusRequest>;

export const OrderStatusChange = z
  .object({
    fromStatus: OrderStatus.nullable(),
    toStatus: OrderStatus,
    actor: z.string().nullable().openapi({ description: '`key:<id>` or `admin:<id>`' }),
    createdAt: z.string(),
  })
  .openapi('OrderStatusChange');

export const OrderHistory = z.object({ data: z.array(OrderStatusChange) }).openapi('OrderHistory');
export type OrderHistory = z.infer<typeof OrderHistory>;

export const OrderDetail = z
  .object({
    order: Order,
    statusHistory: z.array(OrderStatusChange.extend({
      actorName: z.string().nullable().openapi({ description: "The admin's email or the API key's name, when it still exists" }),
    })).openapi({ description: 'Every status change, oldest first, with who made it' }),
    ledger: z.array(LedgerRow).openapi({ description: "The points ledger rows this order wrote (earned, redeemed, reversed), oldest first" }),
    giftCardActivity: z.array(GiftCardActivity).openapi({ description: 'The gift card movements this order made (spend, refund), oldest first' }),
  })
  .openapi('OrderDetail');
export type OrderDetail = z.infer<typeof OrderDetail>;
