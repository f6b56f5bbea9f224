import { z } from '@hono/zod-openapi';

// Shapes of customers and their points ledger in the v1 contract.

export const Customer = z
  .object({
    id: z.string(),
    phone: z.string().openapi({ description: 'E.164', example: '+447306506797' }),
    name: z.string().nullable(),
    email: z.string().nullable(),
    pointsBalance: z.number().int(),
    totalPointsEarned: z.number().int(),
    totalPointsRedeemed: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Customer');

export const LedgerRow = z
  .object({
    id: z.string(),
    customerId: z.string(),
    type: z.enum(['earn', 'add', 'redeem', 'adjust', 'reversal']),
    points: z.number().int().openapi({ description: 'Signed: negative for redemptions' }),
    balanceBefore: z.number().int(),
    balanceAfter: z.number().int(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('LedgerRow');

export const PointsResult = z.object({ transaction: LedgerRow, customer: Customer }).openapi('PointsResult');

/** Whole positive points, bounded so no sum can overflow a 32-bit column. */
export const Points = z.number().int().min(1).max(1_000_000);

