import { Hono } from 'hono';
import type { LiveDeps } from '../realtime/hub.ts';
import { mintWalletLink, revokeWalletLinks } from '../wallet/links.ts';
import { walletStreamKey } from '../wallet/filter.ts';
import { WalletLinkPanel } from '../../views/customers/wallet.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { refusal } from './forms.ts';
import { type AdminEnv, change, fragment } from './context.ts';

// The customer page's wallet link actions. Same domain commands and policy as POST and DELETE
// /api/v1/customers/{id}/wallet-link; 403 and 404 take the one error path.

export function customerWalletPages(deps: LiveDeps) {
  const { sql, config, hub } = deps;
  const app = new Hono<AdminEnv>();

  app.post('/customers/:id/wallet-link', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    const origin = new URL(c.req.url).origin;
    try {
      const { data: link } = await change(sql, caller.tenantId,
        (tx) => mintWalletLink(tx, caller, id, { ttlHours: config.WALLET_LINK_TTL_HOURS, origin }));
      return fragment(c, <WalletLinkPanel base={base} customerId={id} minted={{ ...link, absoluteUrl: `${origin}${link.url}` }} />);
    } catch (err) {
      // An erased or merged-away customer has no wallet: said in the panel (403 and 404 are rethrown).
      return fragment(c, <WalletLinkPanel base={base} customerId={id} error={refusal(err, 'form').form} />, 409);
    }
  });

  app.post('/customers/:id/wallet-link/revoke', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    const { data } = await change(sql, caller.tenantId, (tx) => revokeWalletLinks(tx, caller, id));
    for (const linkId of data.linkIds) hub.closeStreamsOf(walletStreamKey(linkId));
    const message = data.revoked === 0 ? 'There was no live link.' : `Revoked ${data.revoked} link${data.revoked === 1 ? '' : 's'}: they no longer work.`;
    return fragment(c, <WalletLinkPanel base={adminBase(caller.tenantSlug)} customerId={id} message={message} />);
  });

  return app;
}
