import { z } from '@hono/zod-openapi';
import { LocationField } from '../locations/schemas.ts';
import { Limit, Cursor } from '../platform/pagination.ts';

// Customers and their points ledger: the v1 response shapes, and the one set of request schemas both
// doors validate with. The API parses JSON with them; the admin forms map their fields onto them
// (src/admin/customers.tsx, src/admin/pos.tsx) and show these messages inline, so the wording is for
// the person at the counter as much as for an integrator.

export const Customer = z
  .object({
    id: z.string(),
    phone: z.string().nullable().openapi({ description: 'E.164; null once the customer was merged into another or erased', example: '+447306506797' }),
    name: z.string().nullable(),
    email: z.string().nullable(),
    birthday: z.string().nullable().openapi({ format: 'date', example: '1990-04-01' }),
    marketingOptIn: z.boolean(),
    note: z.string().nullable().openapi({ description: "Staff's note on the customer" }),
    version: z.number().int().openapi({ description: 'Bumped by every edit; the ETag of GET /customers/{id}' }),
    pointsBalance: z.number().int(),
    totalPointsEarned: z.number().int(),
    totalPointsRedeemed: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Customer');
export type Customer = z.infer<typeof Customer>;

export const LedgerRow = z
  .object({
    id: z.string(),
    customerId: z.string(),
    type: z.enum(['earn', 'add', 'redeem', 'adjust', 'reversal', 'expire']).openapi({ description: 'expire: points past their date, taken by the maintenance pass (settings: pointsExpireAfterDays)' }),
    points: z.number().int().openapi({ description: 'Signed: negative for redemptions' }),
    balanceBefore: z.number().int(),
    balanceAfter: z.number().int(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    locationId: z.string().nullable().openapi({ description: 'Where it happened (a location id), or null' }),
    createdAt: z.string(),
    rewardId: z.string().nullable().openapi({ description: 'The reward a redemption spent its points on (POST /customers/{id}/rewards/{rewardId}/redeem, or checkout with rewardId); null for every other row' }),
    rewardName: z.string().nullable().openapi({ description: "That reward's current name (the reason keeps the name it had then); null when rewardId is" }),
    expiresAt: z.string().nullable().openapi({ description: "For a row that adds points (a lot): when what is left of it expires under the tenant's expiry setting now in force; null when it never will, and for every spend. Redemptions spend the oldest lots first" }),
  })
  .openapi('LedgerRow');
export type LedgerRow = z.infer<typeof LedgerRow>;

export const NextExpiry = z
  .object({
    points: z.number().int().openapi({ description: 'How many points expire then' }),
    expiresAt: z.string().openapi({ description: 'When; a time already past means the next maintenance pass takes them' }),
  })
  .openapi('NextExpiry');
export type NextExpiry = z.infer<typeof NextExpiry>;

/** GET /customers/{id}: the customer and the next points to expire (null: none will). */
export const CustomerDetail = Customer.extend({ nextExpiry: NextExpiry.nullable() }).openapi('CustomerDetail');
export type CustomerDetail = z.infer<typeof CustomerDetail>;

export const PointsResult = z.object({ transaction: LedgerRow, customer: Customer }).openapi('PointsResult');
export type PointsResult = z.infer<typeof PointsResult>;

export const CustomerPage = z.object({ data: z.array(Customer), nextCursor: z.string().nullable() }).openapi('CustomerPage');
export type CustomerPage = z.infer<typeof CustomerPage>;

export const LedgerPage = z.object({ data: z.array(LedgerRow), nextCursor: z.string().nullable() }).openapi('LedgerPage');

// ---- request fields ------------------------------------------------------------------------------

const MAX_POINTS = 1_000_000;
/**
 * The most points one customer's balance may hold. A change that would pass it is refused with
 * 409 limit_exceeded; the SQL function points_balance_limit() (sql/0006_bounds.sql) enforces it under
 * the row lock, and test/customers/bounds.test.ts holds the two equal.
 */
export const POINTS_BALANCE_LIMIT = 1_000_000_000;
/** The most an order total may be for earning (minor units); with the earn rate's bound (1000), one earn is at most POINTS_BALANCE_LIMIT. */
export const MAX_ORDER_TOTAL_CENTS = 100_000_000;
const ENTER_PHONE = 'Enter a phone number.';
const ENTER_POINTS = 'Enter a number of points.';
const WHOLE_POINTS = 'Points must be a whole number.';
const NOT_ZERO = 'Points must not be zero.';
const TOO_MANY = 'At most 1,000,000 points at a time.';
const NEED_REASON = 'An adjustment needs a reason.';
const REASON_LENGTH = 'At most 500 characters.';
const NAME_LENGTH = 'A name has at most 200 characters.';
const EMAIL = 'That does not look like an email address.';
const ORDER_REF = 'An order reference of 1 to 100 characters.';
const ORDER_TOTAL = 'An order total in whole minor units from 0 to 100000000.';

/** Whether the number is a phone number is decided by normalizePhone (./phone.ts), against the tenant's country. */
export const CustomerPhone = z
  .string({ error: ENTER_PHONE })
  .trim()
  .min(1, ENTER_PHONE)
  .max(40, 'A phone number has at most 40 characters.')
  .openapi({ example: '+44 7306 506797', description: "Any common spelling; national numbers follow the tenant's default country" });

const CustomerName = z.string({ error: NAME_LENGTH }).trim().min(1, 'Enter a name, or leave it out.').max(200, NAME_LENGTH);
const CustomerEmail = z.string({ error: EMAIL }).trim().email(EMAIL).max(254, EMAIL);
const OptionalReason = z.string({ error: REASON_LENGTH }).trim().min(1, 'Enter a reason, or leave it out.').max(500, REASON_LENGTH);
const OrderRef = z.string({ error: ORDER_REF }).trim().min(1, ORDER_REF).max(100, ORDER_REF);

const pointsNumber = () =>
  z.number({ error: (issue) => (issue.input === undefined ? ENTER_POINTS : WHOLE_POINTS) })
    .int(WHOLE_POINTS)
    .refine((n) => n !== 0, NOT_ZERO);

/** Whole positive points per change; what accumulates is bounded in SQL (POINTS_BALANCE_LIMIT, README "Bounds"). */
export const Points = pointsNumber().min(1, 'Points must be positive.').max(MAX_POINTS, TOO_MANY);

/** Signed whole points for a correction; the SQL function keeps the balance from going below zero. */
export const SignedPoints = pointsNumber()
  .min(-MAX_POINTS, TOO_MANY)
  .max(MAX_POINTS, TOO_MANY)
  .openapi({ description: 'Signed; the balance never goes below zero' });

// ---- requests ------------------------------------------------------------------------------------

export const EnrolCustomer = z
  .object({ phone: CustomerPhone, name: CustomerName.optional(), email: CustomerEmail.optional() })
  .strict()
  .openapi('EnrolCustomer');
export type EnrolCustomer = z.infer<typeof EnrolCustomer>;

/** Merge: the duplicate folded into the customer named in the path (src/customers/mergeErase.ts). */
export const MergeCustomers = z
  .object({ duplicateId: z.string({ error: 'Name the duplicate customer by id.' }).trim().min(1, 'Name the duplicate customer by id.').max(100, 'Name the duplicate customer by id.') })
  .strict()
  .openapi('MergeCustomers');
export type MergeCustomers = z.infer<typeof MergeCustomers>;

export const CustomerQuery = z.object({
  q: z.string().max(100, 'Search for at most 100 characters.').optional().openapi({ description: 'Matches name, phone or email' }),
  limit: Limit,
  cursor: Cursor,
});
export type CustomerQuery = z.infer<typeof CustomerQuery>;

export const LedgerQuery = z.object({ limit: Limit, cursor: Cursor });
export type LedgerQuery = z.infer<typeof LedgerQuery>;

export const PhoneQuery = z.object({ phone: CustomerPhone });

export const PointsChange = z
  .object({ points: Points, reason: OptionalReason.optional(), orderId: OrderRef.optional(), locationId: LocationField })
  .strict()
  .openapi('PointsChange');
export type PointsChange = z.infer<typeof PointsChange>;

export const PointsAdjustment = z
  .object({
    points: SignedPoints, reason: z.string({ error: NEED_REASON }).trim().min(1, NEED_REASON).max(500, REASON_LENGTH),
    locationId: LocationField,
  })
  .strict()
  .openapi('PointsAdjustment');
export type PointsAdjustment = z.infer<typeof PointsAdjustment>;

export const EarnRequest = z
  .object({
    phone: CustomerPhone,
    orderTotalCents: z.number({ error: ORDER_TOTAL }).int(ORDER_TOTAL).min(0, ORDER_TOTAL).max(MAX_ORDER_TOTAL_CENTS, ORDER_TOTAL),
    orderId: OrderRef.optional(),
    name: CustomerName.optional(),
    locationId: LocationField,
  })
  .strict()
  .openapi('EarnRequest');
export type EarnRequest = z.infer<typeof EarnRequest>;

export const EarnResult = z
  .object({
    transaction: LedgerRow.nullable(),
    customer: Customer,
    pointsEarned: z.number().int(),
    enrolled: z.boolean().openapi({ description: 'True when this call enrolled the phone' }),
  })
  .openapi('EarnResult');
export type EarnResult = z.infer<typeof EarnResult>;
