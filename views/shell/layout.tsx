import type { Child } from 'hono/jsx';
import { SitePicker, type SiteChoice } from './sitePicker.tsx';
import { Bell, type BellState } from '../notifications.tsx';

/** What every admin page knows about who is looking and which event it reflects. */
export type PageMeta = {
  tenantSlug: string;
  tenantName: string;
  email: string;
  role: 'owner' | 'staff';
  csrf: string;
  /** `admin:<id>`: toasts for this admin's own actions are not shown (they only announce remote changes). */
  actor: string;
  /** The last event id the page's data reflects (read in the same snapshot, or before it). */
  seq: number;
  path: string;
  /** The tenant's zone: every time on the page is formatted in it (format.ts `when`). */
  tz: string;
  /** The header's location picker: the tenant's sites (none: no picker) and this admin's pick (null: all). */
  sites?: SiteChoice[];
  siteId?: string | null;
  /** A staff admin limited to one site: the picker shows it, with no choice. */
  siteLocked?: boolean;
  /** The header bell's unread count (with the event id it reflects) and sound choice (src/admin/notifications.tsx). */
  bell?: BellState;
};

export const ASSETS = '/admin-assets';

export type NavItem = { href: string; label: string; ownerOnly?: boolean };
/** Every section of the back office (test/admin/fit.test.ts visits each at phone and tablet width). */
export const NAV: NavItem[] = [
  { href: 'dashboard', label: 'Dashboard' },
  { href: 'customers', label: 'Customers' },
  { href: 'pos', label: 'POS' },
  { href: 'orders', label: 'Orders' },
  { href: 'gift-cards', label: 'Gift cards' },
  { href: 'activity', label: 'Activity' },
  { href: 'reconciliation', label: 'Reconciliation' },
  { href: 'terminals', label: 'Terminals' },
  { href: 'locations', label: 'Locations', ownerOnly: true },
  { href: 'rewards', label: 'Rewards', ownerOnly: true },
  { href: 'team', label: 'Team', ownerOnly: true },
  { href: 'keys', label: 'API keys', ownerOnly: true },
  { href: 'webhooks', label: 'Webhooks', ownerOnly: true },
  { href: 'settings', label: 'Settings', ownerOnly: true },
];

export const adminBase = (slug: string) => `/${slug}/admin`;

function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light" />
      {/* htmx 2 behaviour for error statuses: an error page must not replace the part being edited;
          forms that want their 422 fragment say so with hx-status:422. */}
      <meta name="htmx-config" content='{"noSwap":[204,304,"5xx"]}' />
      <title>{title} · tillstream</title>
      <link rel="stylesheet" href={`${ASSETS}/admin.css`} />
      <script src={`${ASSETS}/htmx.js`}></script>
      <script src={`${ASSETS}/hx-sse.js`}></script>
      <script src={`${ASSETS}/admin.js`} defer></script>
    </head>
  );
}

/** The page shell: nav, live indicator with its one stream, refresh, toasts. */
export function Layout(props: {
  meta: PageMeta; title: string; active: string; children: Child;
  /** The h1's content when it must be live (the customer page's name); the title text otherwise. */
  heading?: Child;
}) {
  const { meta } = props;
  const base = adminBase(meta.tenantSlug);
  // The bell's count was read just before the page's snapshot: resume from the older of the two, so no
  // notification between them is missed (a fragment no newer than what it targets is refused by data-seq).
  const resumeAt = meta.bell ? Math.min(meta.seq, meta.bell.seq) : meta.seq;
  return (
    <html lang="en">
      <Head title={props.title} />
      <body hx-headers:inherited={JSON.stringify({ 'X-CSRF-Token': meta.csrf })} data-base={base} data-actor={meta.actor}>
        <a class="skip" href="#main">Skip to content</a>
        {/* On a phone the header is one row (name, live state, Menu) and the rest folds into a <details>,
            so it works without script; from tablet width up the menu is always shown and Menu hidden
            (admin.css). The live indicator stays outside the menu: staff must see when it is offline. */}
        <header class="top">
          <div class="brand">
            <strong>{meta.tenantName}</strong>
            <span class="who">{meta.email} · {meta.role}</span>
            {meta.sites?.length ? <span class="here">{siteName(meta)}</span> : null}
          </div>
          {/* One stream per page, multiplexing every event type. Unnamed messages carry HTML that
              swaps into place by id (hx-swap-oob); lastEventId makes the first connect resume
              exactly after what this page shows, and later reconnects send Last-Event-ID. */}
          <span id="live" class="live" data-state="connecting" role="status" aria-live="polite"
            hx-sse:connect={`${base}/stream?lastEventId=${resumeAt}`} hx-swap="none">
            <span class="dot" aria-hidden="true">○</span> <span class="live-label">Connecting…</span>
          </span>
          {/* Outside the menu, like the live state: the bell stays in the phone's one-row header. */}
          {meta.bell ? <Bell base={base} bell={meta.bell} /> : null}
          <details class="menu">
            <summary class="btn secondary menu-button">Menu</summary>
            <div class="menu-body">
              <SitePicker base={base} csrf={meta.csrf} path={meta.path} sites={meta.sites ?? []} siteId={meta.siteId ?? null}
                locked={meta.siteLocked ?? false} />
              <nav aria-label="Sections">
                <ul>
                  {NAV.filter((n) => !n.ownerOnly || meta.role === 'owner').map((n) => (
                    <li>
                      <a href={`${base}/${n.href}`} aria-current={props.active === n.href ? 'page' : undefined}>{n.label}</a>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="live-bar">
                <span class="who">{meta.email} · {meta.role}</span>
                <button type="button" id="refresh" class="btn secondary" data-refresh>Refresh</button>
                <form method="post" action={`${base}/logout`} class="inline">
                  <input type="hidden" name="_csrf" value={meta.csrf} />
                  <button type="submit" class="btn link">Sign out</button>
                </form>
              </div>
            </div>
          </details>
        </header>
        <main id="main" tabindex={-1} data-seq={String(meta.seq)}>
          <h1>{props.heading ?? props.title}</h1>
          {props.children}
        </main>
        <div id="toasts" class="toasts" aria-live="polite" data-seq={String(meta.seq)}></div>
      </body>
    </html>
  );
}

/** The site the page is scoped to, for the collapsed phone header (the picker itself is in the menu). */
function siteName(meta: PageMeta): string {
  return meta.sites?.find((s) => s.id === meta.siteId)?.name ?? 'All locations';
}

/** Pages outside a session (sign-in, not found). */
export function BareLayout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <Head title={props.title} />
      <body class="bare">
        <main id="main" class="narrow">
          {props.children}
        </main>
      </body>
    </html>
  );
}
