import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.ts';

// Shapes of the v1 contract. Request schemas are strict: a field a client must not set (a balance,
// a tenant) is a 400, not silently dropped.

export const Id = z.string().uuid().openapi({ description: 'Opaque id', example: '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10' });

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

export const Phone = z.string().min(3).max(40).openapi({ example: '+44 7306 506797' });
export const Name = z.string().trim().min(1).max(200);
export const Email = z.string().trim().email().max(254);
export const Reason = z.string().trim().min(1).max(500);
export const OrderRef = z.string().trim().min(1).max(100);

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Cursor = z.string().max(200).optional();

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

/** Keyset cursors are the last row's internal sequence number, wrapped so clients treat them as opaque. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}
export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  const m = Buffer.from(cursor, 'base64url').toString().match(/^s:(\d{1,15})$/);
  if (!m) throw new ApiError(400, 'validation_failed', 'cursor is not one this API issued.');
  return Number(m[1]);
}
