import { Hono, type Context } from 'hono';
import { randomBytes } from 'node:crypto';
import { parseResumeId } from '../realtime/frame.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { openStream } from '../realtime/stream.ts';
import { WalletGone, WalletPage } from '../../views/wallet/page.tsx';
import { renderWallet, WALLET_TYPES, walletFilter, walletStreamKey } from './filter.ts';
import { openLink, walletCaller } from './links.ts';
import { walletSweep } from './sweep.ts';
import { LinkThrottle } from './throttle.ts';
import { walletView } from './view.ts';

// The guest's door: /w/<token> (the page) and /w/<token>/stream (its live events), no sign-in. The
// token is the only credential; every use is counted (LinkThrottle) and looked up (openLink) the same
// way, and every dead token gets the same 404. A guest stream is one more subscriber of the tenant's
// feed, with the 'wallet' format and its customer's filter (filter.ts), capped per link.

/** Never cached, never indexed, and the URL (the token) never leaves in a Referer. */
const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } as const;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', ...PRIVATE,
};

export function walletApp(deps: LiveDeps) {
  const { sql, hub, config } = deps;
  hub.registerFormat('wallet', renderWallet);
  hub.addSweep(walletSweep(hub));
  const throttle = new LinkThrottle(config.WALLET_REQUESTS_PER_MINUTE);
  const app = new Hono();

  const gone = (c: Context) => c.html(<WalletGone />, 404, PRIVATE);
  const tooMany = (c: Context, seconds: number) => c.text(`Too many requests for this wallet link; try again in ${seconds} s.`, 429,
    { ...PRIVATE, 'Retry-After': String(seconds) });

  app.get('/w/:token', async (c) => {
    const token = c.req.param('token');
    const wait = throttle.take(token);
    if (wait !== null) return tooMany(c, wait);
    const link = await openLink(sql, token);
    if (!link) return gone(c);
    const view = await walletView(sql, link);
    const nonce = randomBytes(16).toString('base64');
    return c.html(<WalletPage view={view} token={token} nonce={nonce} />, 200, {
      ...PRIVATE,
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; `
        + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    });
  });

  app.get('/w/:token/stream', async (c) => {
    const token = c.req.param('token');
    const wait = throttle.take(token);
    if (wait !== null) return tooMany(c, wait);
    const link = await openLink(sql, token);
    if (!link) return gone(c);
    // HEAD: the page asks whether the link still works without opening a stream (see script.ts).
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: SSE_HEADERS });
    // The cards this customer bought so far: their later changes name only the card (filter.ts).
    const cards = await sql`select id from gift_cards where tenant_id = ${link.tenantId} and purchaser_customer_id = ${link.customerId}`;
    const server = c.env as { timeout?: (req: Request, seconds: number) => void } | undefined;
    if (typeof server?.timeout === 'function') server.timeout(c.req.raw, 0);
    const opening = openStream(hub, {
      caller: walletCaller(link), types: new Set(WALLET_TYPES), sites: null, format: 'wallet',
      resume: parseResumeId(c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? null),
      guest: {
        streamKey: walletStreamKey(link.id), cap: config.WALLET_STREAMS_PER_LINK,
        only: walletFilter(link.customerId, cards.map((r) => r.id as string)),
      },
    });
    if (!opening.ok) {
      return c.text(`At most ${opening.limit} live views may be open per wallet link; close one first.`, 429, { ...PRIVATE, 'Retry-After': '10' });
    }
    try {
      await opening.stream.started;
    } catch {
      opening.stream.close();
      return c.text('The live view is unavailable right now; it will retry.', 503, { ...PRIVATE, 'Retry-After': '5' });
    }
    return new Response(opening.stream.body, { status: 200, headers: SSE_HEADERS });
  });

  return app;
}
