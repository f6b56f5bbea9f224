import { z } from '@hono/zod-openapi';

// Shapes of gift cards in the v1 contract, for both doors.

export const GiftCardCodeInput = z.string().trim().min(1).max(40)
  .openapi({ description: 'GC-XXXX-XXXX-XXXX-XXXX; case, spaces and dashes do not matter', example: 'GC-7K3M-Q9XD-2HRT-W4BN' });
