import { z } from '@hono/zod-openapi';
import { LocationField } from '../locations/schemas.ts';
import { instant } from '../platform/dates.ts';
import { Id, OrderRef, Reason } from '../platform/fields.ts';

// Shapes of gift cards in the v1 contract, for both doors: the API validates JSON with the request
// schemas, the admin gift cards page maps its form fields onto the same ones and shows these messages
// inline (wording a money field in its own units where the schema counts minor units).

export const GiftCardCodeInput = z.string().trim().min(1).max(40)
  .openapi({ description: 'GC-XXXX-XXXX-XXXX-XXXX; case, spaces and dashes do not matter', example: 'GC-7K3M-Q9XD-2HRT-W4BN' });

const Status = z.enum(['active', 'void', 'expired']);

export const GiftCard = z
  .object({
    id: z.string(),
    code: z.string().openapi({ example: 'GC-7K3M-Q9XD-2HRT-W4BN' }),
    status: Status,
    initialCents: z.number().int(),
    balanceCents: z.number().int(),
    purchasedBy: z.string().nullable().openapi({ description: 'Who bought it, as typed at the till; null once that customer was erased' }),
    customerId: z.string().nullable().openapi({ description: 'The customer who bought it, or null (sold to someone not enrolled)' }),
    recipientName: z.string().nullable(),
    recipientEmail: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('GiftCard');
export type GiftCard = z.infer<typeof GiftCard>;

export const GiftCardActivity = z
  .object({
    id: z.string(),
    giftCardId: z.string(),
    type: z.enum(['issue', 'redeem', 'refund', 'void']),
    amountCents: z.number().int().openapi({ description: 'Signed: negative for spends and write-offs' }),
    balanceBefore: z.number().int(),
    balanceAfter: z.number().int(),
    orderId: z.string().nullable(),
    locationId: z.string().nullable().openapi({ description: 'Where it happened (a location id), or null' }),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('GiftCardActivity');
export type GiftCardActivity = z.infer<typeof GiftCardActivity>;

export const GiftCardActivityList = z.object({ data: z.array(GiftCardActivity) }).openapi('GiftCardActivityList');
export type GiftCardActivityList = z.infer<typeof GiftCardActivityList>;

export const GiftCardRedemption = z
  .object({ transaction: GiftCardActivity, giftCard: GiftCard })
  .openapi('GiftCardRedeemResult');
export type GiftCardRedemption = z.infer<typeof GiftCardRedemption>;

/** A card in the admin's recently issued list: the code masked, as events carry it. */
export const RecentGiftCard = z.object({
  id: z.string(),
  maskedCode: z.string(),
  status: Status,
  initialCents: z.number().int(),
  balanceCents: z.number().int(),
  purchasedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type RecentGiftCard = z.infer<typeof RecentGiftCard>;

/** The most a card is issued for or spends in one go: one cap for both doors. */
export const GIFT_CARD_MAX_CENTS = 10_000_000;

const AMOUNT = `A whole number of minor units from 1 to ${GIFT_CARD_MAX_CENTS}.`;
const PURCHASED_BY = 'Who bought it (1 to 200 characters).';
const RECIPIENT_NAME = 'Recipient name is 1 to 200 characters.';
const RECIPIENT_EMAIL = 'Enter an email address such as robin@example.com.';

const Amount = z.number({ error: AMOUNT }).int(AMOUNT).min(1, AMOUNT).max(GIFT_CARD_MAX_CENTS, AMOUNT);

export const GiftCardIssue = z
  .object({
    amountCents: Amount,
    purchasedBy: z.string({ error: PURCHASED_BY }).trim().min(1, PURCHASED_BY).max(200, PURCHASED_BY),
    recipientName: z.string({ error: RECIPIENT_NAME }).trim().min(1, RECIPIENT_NAME).max(200, RECIPIENT_NAME).optional(),
    recipientEmail: z.string({ error: RECIPIENT_EMAIL }).trim().email(RECIPIENT_EMAIL).max(254, RECIPIENT_EMAIL).optional(),
    expiresAt: instant().optional()
      .openapi({ description: 'Must be in the future; omitted means never' }),
    customerId: Id.optional().openapi({
      description: "The enrolled customer buying it (this tenant's; unknown: 404). Their page lists the card, a merge moves it, an erase scrubs it",
    }),
    locationId: LocationField,
  })
  .strict()
  .openapi('GiftCardRequest');
export type GiftCardIssue = z.infer<typeof GiftCardIssue>;

export const GiftCardRedeem = z
  .object({ amountCents: Amount, orderId: OrderRef.optional(), locationId: LocationField })
  .strict()
  .openapi('GiftCardRedeem');
export type GiftCardRedeem = z.infer<typeof GiftCardRedeem>;

export const GiftCardVoid = z.object({ reason: Reason.optional(), locationId: LocationField }).strict().openapi('GiftCardVoid');
export type GiftCardVoid = z.infer<typeof GiftCardVoid>;
