import { z } from '@hono/zod-openapi';

// `data` of the wallet link events (sql/0025_wallet_links.sql). Neither ever carries a token or its hash.

export const WalletLinkCreated = z
  .object({ customerId: z.string(), linkId: z.string(), expiresAt: z.string() })
  .strict()
  .describe("A guest wallet link was made for a customer (or, on a retried Idempotency-Key, its token replaced).");

export const WalletLinksRevoked = z
  .object({ customerId: z.string(), revoked: z.number().int().describe('How many live links became dead') })
  .strict()
  .describe("Every wallet link of a customer was revoked: old links answer 404 and their streams close.");

export const walletEventCatalogue = { wallet_link_created: WalletLinkCreated, wallet_links_revoked: WalletLinksRevoked };
