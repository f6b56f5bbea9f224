import { createRoute } from '@hono/zod-openapi';
import { IdParam } from '../platform/fields.ts';
import { IdempotencyHeader, json, newRouter, problems, security } from '../platform/openapi.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { mintWalletLink, revokeWalletLinks } from './links.ts';
import { WalletLink, WalletLinksRevoked } from './schemas.ts';
import { walletStreamKey } from './filter.ts';

const tags = ['Customers'];

const mint = createRoute({
  method: 'post', path: '/customers/{id}/wallet-link', tags, security,
  summary: "Make a guest wallet link: the customer's own live balance, activity and gift cards at /w/<token>",
  description: 'The token is shown once (only its hash is kept), so a retry with the same Idempotency-Key does not replay '
    + 'the first answer: it replaces that link\'s token and answers the new one, leaving one live link per key.',
  request: { params: IdParam, headers: IdempotencyHeader },
  responses: { 201: json(WalletLink, 'The link, its expiry and its QR code'), ...problems(400, 401, 403, 404, 409, 422) },
});

const revoke = createRoute({
  method: 'delete', path: '/customers/{id}/wallet-link', tags, security,
  summary: 'Revoke every wallet link of this customer: old links answer 404 and their live streams close',
  request: { params: IdParam },
  responses: { 200: json(WalletLinksRevoked, 'How many live links there were'), ...problems(400, 401, 403, 404) },
});

export function walletLinkRoutes(deps: LiveDeps) {
  return newRouter()
    .openapi(mint, async (c) => {
      const key = c.req.valid('header')['idempotency-key'] ?? null;
      const link = await mintWalletLink(deps.sql, c.get('caller'), c.req.valid('param').id,
        { ttlHours: deps.config.WALLET_LINK_TTL_HOURS, idempotencyKey: key, origin: new URL(c.req.url).origin });
      return c.json(link, 201);
    })
    .openapi(revoke, async (c) => {
      const { revoked, linkIds } = await revokeWalletLinks(deps.sql, c.get('caller'), c.req.valid('param').id);
      // This instance's streams close now; the others' at their next sweep (src/wallet/sweep.ts).
      for (const id of linkIds) deps.hub.closeStreamsOf(walletStreamKey(id));
      return c.json({ revoked }, 200);
    });
}
