import { z } from '@hono/zod-openapi';

export const WalletLink = z
  .object({
    url: z.string().openapi({ example: '/w/q3J9…' }).describe('Root-relative: `/w/<token>`. Shown once: only a hash of the token is kept.'),
    expiresAt: z.string().describe('ISO 8601, UTC; the link is dead (404) after it'),
    qrSvg: z.string().describe('The link as a QR code, an SVG document to print or show'),
  })
  .openapi('WalletLink');
export type WalletLink = z.infer<typeof WalletLink>;

export const WalletLinksRevoked = z
  .object({ revoked: z.number().int().describe('How many live links there were; each is now dead (404)') })
  .openapi('WalletLinksRevoked');
export type WalletLinksRevoked = z.infer<typeof WalletLinksRevoked>;
