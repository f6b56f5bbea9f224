import { raw } from 'hono/html';
import { count, money, signed, when } from '../shell/format.ts';
import type { WalletView } from '../../src/wallet/view.ts';
import { WALLET_SCRIPT } from './script.ts';

// The guest's wallet: its own small layout (not the admin shell), phone first. Everything on it is the
// customer's own: no name, phone or email (a screen glanced at over a shoulder, a link forwarded by
// mistake), the restaurant's name, balance, progress, activity and cards. script.ts keeps it live.

export const TYPE_LABEL: Record<string, string> = {
  earn: 'Earned', add: 'Added', redeem: 'Redeemed', adjust: 'Adjusted', reversal: 'Reversed', expire: 'Expired',
};

const CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f6f5f2;color:#1d1d1f}
main{max-width:32rem;margin:0 auto;padding:1rem}
header h1{font-size:1.1rem;margin:.25rem 0 1rem;color:#555;font-weight:600}
.card{background:#fff;border-radius:14px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.balance{font-size:3rem;font-weight:700;line-height:1;margin:.25rem 0}.muted{color:#666;font-size:.9rem}
progress{width:100%;height:.75rem;accent-color:#2f7d4f}
h2{font-size:1rem;margin:0 0 .5rem}ul{list-style:none;margin:0;padding:0}
li{display:flex;justify-content:space-between;gap:.75rem;padding:.5rem 0;border-top:1px solid #eee}li:first-child{border-top:0}
.pts{font-weight:600;white-space:nowrap}.pos{color:#2f7d4f}.neg{color:#a33}
.status{position:sticky;top:0;z-index:2;padding:.6rem 1rem;text-align:center;font-weight:600}
.status[hidden]{display:none}.offline{background:#fde8c8;color:#6b4200}.closed{background:#f4d3d3;color:#6b1010}
.flash{animation:flash 1.2s ease-out}@keyframes flash{from{background:#e3f4e8}to{background:transparent}}
@media (min-width:48rem){main{max-width:44rem;padding:2rem}.balance{font-size:4rem}}
`;

export function WalletPage({ view, token, nonce, now = new Date() }: { view: WalletView; token: string; nonce: string; now?: Date }) {
  const tz = view.link.timeZone;
  const boot = {
    stream: `/w/${token}/stream`, cursor: view.cursor, tz, currency: view.link.currency,
    menu: view.menu, locations: view.locations, labels: TYPE_LABEL,
  };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${view.link.tenantName}: your wallet`}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <div id="status" class="status offline" role="status" aria-live="polite" hidden></div>
        <main>
          <header><h1 id="tenant">{view.link.tenantName}</h1></header>
          <section class="card" aria-labelledby="balance-label">
            <div id="balance-label" class="muted">Your points</div>
            <div id="balance" class="balance" data-balance={String(view.balance)}>{count(view.balance)}</div>
            <div id="progress">{progress(view)}</div>
          </section>
          <section class="card" aria-labelledby="activity-h">
            <h2 id="activity-h">Recent activity</h2>
            <ul id="activity">
              {view.activity.map((a) => (
                <li data-id={a.id}>
                  <span>{TYPE_LABEL[a.type] ?? a.type}<br /><span class="muted">{a.where ? `${a.where} · ` : ''}<time datetime={a.at}>{when(a.at, tz, now)}</time></span></span>
                  <span class={`pts ${a.points >= 0 ? 'pos' : 'neg'}`}>{signed(a.points)}</span>
                </li>
              ))}
            </ul>
            <p id="no-activity" class="muted" hidden={view.activity.length > 0}>Nothing yet: your points appear here the moment they are added.</p>
          </section>
          <section class="card" aria-labelledby="cards-h" id="cards-section" hidden={view.cards.length === 0}>
            <h2 id="cards-h">Your gift cards</h2>
            <ul id="cards">
              {view.cards.map((g) => (
                <li data-card={g.id}><span>{g.maskedCode}<br /><span class="muted">{g.status}</span></span><span class="pts">{money(g.balanceCents, view.link.currency)}</span></li>
              ))}
            </ul>
          </section>
          <p class="muted">This page updates by itself. Keep the link to yourself: anyone with it sees your points.</p>
        </main>
        <script nonce={nonce} id="wallet-boot" type="application/json">{raw(safeJson(boot))}</script>
        <script nonce={nonce}>{raw(WALLET_SCRIPT)}</script>
      </body>
    </html>
  );
}

function progress(view: WalletView) {
  if (!view.next) {
    return view.menu.length ? <p class="muted">You can have any reward on the menu: ask at the counter.</p> : null;
  }
  const { name, pointsCost, pointsToGo } = view.next;
  return (
    <>
      <progress max={pointsCost} value={pointsCost - pointsToGo}></progress>
      <p class="muted">{`${count(pointsToGo)} more points to ${name}`}</p>
    </>
  );
}

/** JSON inside <script>: `<` escaped so no value (a site's or reward's name) can close the element. */
const safeJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The one answer for every link that does not work: expired, revoked, erased, tampered, made up. */
export function WalletGone() {
  return (
    <html lang="en">
      <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>Wallet link not found</title></head>
      <body style="font:16px system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">
        <h1>This wallet link does not work</h1>
        <p>Ask at the counter for a new one.</p>
      </body>
    </html>
  );
}
