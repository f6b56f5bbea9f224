import { z } from '@hono/zod-openapi';
import { Cursor, Limit } from '../platform/pagination.ts';

// The gift card list in the v1 contract (issue 13): codes masked, searched and filtered, keyset paged.
// Its own module beside schemas.ts, so work on the card itself and on the list merge without touching.

/**
 * What the status filter asks for. A card's own status is active, void or expired (gift_card_status);
 * the filter splits active in two, because "still has money on it" and "spent to zero" are what a
 * manager asks about: `active` holds a balance, `spent` is live with nothing left.
 */
export const GiftCardListStatus = z.enum(['active', 'spent', 'expired', 'void'], {
  error: 'status: one of active, spent, expired, void',
}).openapi({ description: 'active: live with a balance; spent: live, balance 0; expired: past expiresAt; void: voided' });
export type GiftCardListStatus = z.infer<typeof GiftCardListStatus>;

export const GiftCardListQuery = z.object({
  q: z.string().max(100, 'q: at most 100 characters').optional().openapi({
    description: 'Matches the purchaser or recipient (any case, accents ignored), or the visible end of the masked code ' +
      '(e.g. `W4BN` or `GC-****-****-****-W4BN`). A full code is never searched: look it up by code instead',
  }),
  status: GiftCardListStatus.optional(),
  limit: Limit,
  cursor: Cursor,
});
export type GiftCardListQuery = z.infer<typeof GiftCardListQuery>;

export const GiftCardListItem = z
  .object({
    id: z.string(),
    maskedCode: z.string().openapi({ example: 'GC-****-****-****-W4BN' }),
    status: z.enum(['active', 'void', 'expired']),
    initialCents: z.number().int(),
    balanceCents: z.number().int(),
    purchasedBy: z.string(),
    recipientName: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('GiftCardListItem');
export type GiftCardListItem = z.infer<typeof GiftCardListItem>;

export const GiftCardPage = z
  .object({ data: z.array(GiftCardListItem), nextCursor: z.string().nullable() })
  .openapi('GiftCardPage');
export type GiftCardPage = z.infer<typeof GiftCardPage>;
