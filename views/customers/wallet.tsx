import { raw } from 'hono/html';

// The customer page's "Wallet link" card: make a link for the guest (its QR code and URL, to print or
// show at the counter), or revoke every link they have. src/admin/customerWallet.tsx answers both.

const panelId = (customerId: string) => `wallet-${customerId}`;

export type MintedLink = { url: string; absoluteUrl: string; expiresAt: string; qrSvg: string };

export function WalletLinkPanel(p: { base: string; customerId: string; minted?: MintedLink; message?: string; error?: string }) {
  const id = panelId(p.customerId);
  return (
    <section id={id} class="card stack" aria-label="Wallet link">
      <h2>Wallet link</h2>
      <p class="muted">The guest's own page: their points, activity and gift cards, live, with no sign-in. Anyone holding the link sees it.</p>
      {p.message ? <p class="ok" role="status">{p.message}</p> : null}
      {p.error ? <p class="error" role="alert">{p.error}</p> : null}
      {p.minted ? (
        <figure class="wallet-qr" data-wallet-link={p.minted.url} style="margin:0">
          <div style="max-width:220px">{raw(p.minted.qrSvg)}</div>
          <figcaption>
            <a href={p.minted.url} target="_blank" rel="noreferrer noopener" class="mono" style="overflow-wrap:anywhere">{p.minted.absoluteUrl}</a>
            <br /><span class="muted">{`Works until ${p.minted.expiresAt.slice(0, 10)}. Shown once: make a new one if it is lost.`}</span>
          </figcaption>
        </figure>
      ) : null}
      <div style="display:flex;flex-wrap:wrap;gap:.5rem">
        <form hx-post={`${p.base}/customers/${p.customerId}/wallet-link`} hx-target={`#${id}`} hx-swap="outerHTML">
          <button type="submit" class="btn">{p.minted ? 'Make another link' : 'Make a wallet link'}</button>
        </form>
        <form hx-post={`${p.base}/customers/${p.customerId}/wallet-link/revoke`} hx-target={`#${id}`} hx-swap="outerHTML"
          hx-confirm="Revoke every wallet link of this customer? Open pages stop updating and old links stop working.">
          <button type="submit" class="btn warn">Revoke links</button>
        </form>
      </div>
    </section>
  );
}
