import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { LiveDeps } from '../realtime/hub.ts';
import { ApiError, toProblem } from '../platform/errors.ts';
import { log } from '../platform/log.ts';
import { tenantBySlug } from '../identity/tenants.ts';
import { MessagePage } from '../../views/shell/login.tsx';
import { assetRoutes } from './assets.ts';
import { type AdminEnv, fragment, page } from './context.ts';
import { csrfOk, isSafeMethod } from '../identity/csrf.ts';
import { Directory } from './directory.ts';
import { renderAdminFragment } from './fragments.tsx';
import { activityPages } from './activity.tsx';
import { customerEditPages } from './customerEdit.tsx';
import { customerPages } from './customers.tsx';
import { customerRegionPages } from './customerRegions.tsx';
import { customerMergeErasePages } from './customerMergeErase.tsx';
import { customerWalletPages } from './customerWallet.tsx';
import { dashboardPages } from './dashboard.tsx';
import { giftCardPages } from './giftCards.tsx';
import { giftCardListPages } from './giftCardList.tsx';
import { posPages } from './pos.tsx';
import { reconciliationPages } from './reconciliation.tsx';
import { keyPages } from './keys.tsx';
import { webhookPages } from './webhooks.tsx';
import { terminalPages } from './terminals.tsx';
import { locationPages } from './locations.tsx';
import { rewardPages } from './rewards.tsx';
import { posRewardPages } from './posRewards.tsx';
import { teamPages } from './team.tsx';
import { settingsPages } from './settings.tsx';
import { signInPages } from './signIn.tsx';
import { orderPages } from './orders.tsx';
import { orderHistoryPages } from './orderHistory.tsx';
import { sitePickerPages, withSites } from './sitePicker.tsx';
import { notificationPages, withBell } from './notifications.tsx';
import { SESSION_COOKIE, callerFromSession, sessionFromToken } from '../identity/sessions.ts';
import { eventStream } from '../events/stream.ts';
import { passwordChangeRequired } from '../identity/apiCaller.ts';
import { ONE_TIME_PASSWORD_PATHS, passwordPages } from './password.tsx';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The back office: /{tenant}/admin/… pages rendered on the server, signed in with a session cookie.
 * Another tenant's pages are 404, exactly like an unknown tenant (I7).
 */
export function adminApp(deps: LiveDeps) {
  const { sql } = deps;
  const directory = new Directory(sql).start();
  // The stream's HTML payload: rendered once per event, the same bytes to every admin page.
  deps.hub.registerFormat('admin', (e) => {
    if (e.type === 'settings_updated') {
      directory.learnCurrency(e.tenantId, e.data?.currency);
      directory.learnTimeZone(e.tenantId, e.data?.timezone);
    }
    return renderAdminFragment(e, directory);
  });

  const app = new Hono<AdminEnv>();

  app.route('/', assetRoutes());

  app.onError(adminErrorResponse);

  const base = '/:tenant/admin';

  app.use(`${base}/*`, async (c, next) => {
    const slug = c.req.param('tenant') ?? '';
    if (!SLUG.test(slug)) throw new ApiError(404, 'not_found', 'Page not found.');
    const session = await sessionFromToken(sql, getCookie(c, SESSION_COOKIE), deps.hub.sessions);
    const path = c.req.path.slice(`/${slug}/admin`.length);
    if (path === '/login') return next();
    if (!session) {
      if (!(await tenantBySlug(sql, slug))) throw new ApiError(404, 'not_found', 'Page not found.');
      const login = `/${slug}/admin/login`;
      if (c.req.header('hx-request')) {
        c.header('HX-Redirect', login);
        return c.body(null, 401);
      }
      if (!isSafeMethod(c.req.method)) throw new ApiError(401, 'unauthorized', 'Your session has ended; sign in again.');
      return c.redirect(login, 303);
    }
    // Signed in to another tenant: this tenant's pages do not exist for you.
    if (session.tenantSlug !== slug) throw new ApiError(404, 'not_found', 'Page not found.');
    if (!isSafeMethod(c.req.method) && !(await csrfOk(c, session.csrf))) {
      throw new ApiError(403, 'csrf_failed', 'This form has expired or came from another site. Reload the page and try again.');
    }
    c.set('session', session);
    c.set('caller', callerFromSession(session));
    c.header('Cache-Control', 'no-store');
    // A one-time password: the change-password page (and sign-out) only. Pages go there; htmx requests
    // are sent there too; anything else (a form post, the stream) is 403 password_change_required.
    if (session.passwordMustChange && !ONE_TIME_PASSWORD_PATHS.has(path)) {
      const to = `/${slug}/admin/password`;
      if (c.req.header('hx-request')) {
        c.header('HX-Redirect', to);
        return c.body(null, 403);
      }
      if (isSafeMethod(c.req.method) && path !== '/stream') return c.redirect(to, 303);
      throw passwordChangeRequired(slug);
    }
    await next();
  });

  app.route(base, signInPages(deps, directory));
  // The header's location picker: its sites for every page, and the pick itself.
  app.use(`${base}/*`, withSites(deps));
  app.use(`${base}/*`, withBell(deps));
  app.route(base, sitePickerPages(deps));
  app.route(base, notificationPages(deps));

  app.get(`${base}`, (c) => c.redirect(`/${c.req.param('tenant')}/admin/dashboard`, 303));
  app.get(`${base}/`, (c) => c.redirect(`/${c.req.param('tenant')}/admin/dashboard`, 303));

  // The page's one stream: every event type, as HTML fragments. The htmx SSE extension reconnects
  // with Last-Event-ID once it has seen an event; before that, the page's ?lastEventId= applies.
  app.get(`${base}/stream`, async (c) => {
    // Names and currency for this tenant's fragments, before its first event is rendered.
    await directory.ensure(c.get('session').tenantId);
    return eventStream(c, deps.hub, c.get('caller'), {
      types: null, format: 'admin',
      lastEventId: c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? null,
    });
  });

  app.route(base, passwordPages(deps));
  app.route(base, dashboardPages(deps));
  app.route(base, customerPages(deps));
  app.route(base, customerRegionPages(deps));
  app.route(base, customerMergeErasePages(deps));
  app.route(base, customerWalletPages(deps));
  app.route(base, customerEditPages(deps));
  app.route(base, posPages(deps));
  app.route(base, giftCardPages(deps));
  app.route(base, giftCardListPages(deps));
  app.route(base, activityPages(deps));
  app.route(base, reconciliationPages(deps));
  app.route(base, terminalPages(deps));
  app.route(base, keyPages(deps));
  app.route(base, webhookPages(deps));
  app.route(base, locationPages(deps));
  app.route(base, rewardPages(deps));
  app.route(base, posRewardPages(deps));
  app.route(base, teamPages(deps));
  app.route(base, settingsPages(deps));
  app.route(base, orderPages(deps));
  // After the board's routes: /orders/board and /orders/{id}/status are matched before /orders/{id}.
  app.route(base, orderHistoryPages(deps));

  app.all(`${base}/*`, () => { throw new ApiError(404, 'not_found', 'Page not found.'); });

  return app;
}

/**
 * The one error path, in HTML: toProblem decides status and wording; htmx requests get a fragment
 * (the page script shows it as a toast), page loads get a page. Also used by app.ts for refusals that
 * come before any door (the body limit), on every path outside /api.
 */
export function adminErrorResponse(err: unknown, c: Context) {
  const p = toProblem(err);
  // database_unavailable is logged once, without a stack, by the outer door (src/app.ts).
  if (p.status >= 500 && p.code !== 'database_unavailable') log.error(`${c.req.method} ${c.req.path}`, err);
  if (typeof p.retryAfterSeconds === 'number') c.header('Retry-After', String(p.retryAfterSeconds));
  if (c.req.header('hx-request')) {
    return fragment(c, `<p class="field-error" role="alert">${escapeHtml(p.detail)}</p>`, p.status);
  }
  const title = p.status === 404 ? 'Not found' : p.status === 403 ? 'Not allowed' : p.title;
  return page(c, <MessagePage title={title} message={p.detail} />, p.status);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
