import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './platform/deps.ts';
import type { LiveDeps } from './realtime/hub.ts';
import { ApiError, toProblem } from './platform/errors.ts';
import { allowedMethods, methodGuard, noRoute } from './platform/methodNotAllowed.ts';
import { cors } from './platform/cors.ts';
import { log } from './platform/log.ts';
import { DATABASE_RETRY_AFTER_SECONDS, dbFailure, readRetryable, warnDatabaseUnavailable } from './platform/dbFailure.ts';
import { resolveApiCaller } from './identity/apiCaller.ts';
import { adminApp, adminErrorResponse } from './admin/app.tsx';
import { docsRoutes } from './platform/docs.ts';
import { customerRoutes } from './customers/routes.ts';
import { customerVisitRoutes } from './customers/visitRoutes.ts';
import { ledgerExportRoutes } from './customers/exportRoutes.ts';
import { loyaltyRoutes } from './customers/loyaltyRoutes.ts';
import { mergeEraseRoutes } from './customers/mergeEraseRoutes.ts';
import { settingsRoutes } from './settings/routes.ts';
import { locationRoutes } from './locations/routes.ts';
import { orderRoutes } from './orders/routes.ts';
import { giftCardRoutes } from './giftCards/routes.ts';
import { giftCardListRoutes } from './giftCards/listRoutes.ts';
import { reportRoutes } from './reports/routes.ts';
import { liabilityRoutes } from './reports/liabilityRoutes.ts';
import { reconciliationRoutes } from './reconciliation/routes.ts';
import { eventRoutes } from './events/routes.ts';
import { asyncApiRoutes } from './events/asyncapi.ts';
import { registerEventWebhooks } from './events/webhookDocs.ts';
import { terminalRoutes } from './terminals/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { rewardRoutes } from './rewards/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { walletLinkRoutes } from './wallet/routes.ts';
import { walletApp } from './wallet/door.tsx';

/** Extra readiness checks (the event listener adds one); each resolves true when healthy. */
export type ReadinessChecks = Record<string, () => boolean | Promise<boolean>>;

export function createApp(deps: LiveDeps, readiness: ReadinessChecks = {}) {
  const app = new OpenAPIHono<AppEnv>();
  const rerun = new WeakSet<Request>();

  // A GET or HEAD only reads, so when a database connection failed under it, it runs once more, whole,
  // on a fresh connection (the failed one has left the pool). Writes are retried inside their
  // transaction instead, and only when COMMIT was never sent (platform/database.ts). Covers both doors:
  // Hono records the error in c.error whichever door's onError answered it.
  app.use('*', async (c, next) => {
    await next();
    const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (safe && c.error && readRetryable(c.error) && !rerun.has(c.req.raw)) {
      rerun.add(c.req.raw);
      const again = await app.fetch(c.req.raw, c.env);
      c.res = undefined; // the retry's response replaces the first one, headers and all
      c.res = again;
      return;
    }
    // One warn line for a request the database failed, never its stack; logged once, after any retry.
    if (c.error && dbFailure(c.error)) warnDatabaseUnavailable(`${c.req.method} ${c.req.path}`, c.error);
  });

  // The one error path: everything thrown becomes problem+json (never a stack trace or SQL).
  app.onError((err, c) => {
    const body = toProblem(err);
    if (body.status >= 500 && body.code !== 'database_unavailable') log.error(`${c.req.method} ${c.req.path}`, err);
    if (body.status === 401) c.header('WWW-Authenticate', 'Bearer');
    // A throttle's refusal says when to come back, in the body and as the standard header; so does
    // every 503 (an outage passes, and clients should not hammer us meanwhile).
    if (typeof body.retryAfterSeconds === 'number') c.header('Retry-After', String(body.retryAfterSeconds));
    else if (body.status === 503) c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    return c.body(JSON.stringify(body), body.status as 400, { 'Content-Type': 'application/problem+json' });
  });
  // A known path with the wrong method is 405 with Allow (platform/methodNotAllowed.ts), else 404.
  const allowed = allowedMethods(app.routes);
  app.notFound((c) => noRoute(c, allowed));

  app.use('/api/*', async (c, next) => {
    await next();
    // Balances go stale the moment they are cached: nothing under /api is ever stored. Set on the
    // response itself, as CORS's headers are: c.header() after next() copies the finished Response to
    // change one header (1.5% of a redemption's samples).
    c.res.headers.set('Cache-Control', 'no-store');
  });
  // CORS for browser POS (platform/cors.ts): the preflight is answered here, before the body limit, the
  // method check and auth; the real request's response gets its headers on the way out.
  app.use('/api/*', cors(deps.sql, allowed));
  // Every route, both doors: a body is refused before anything parses it. A declared Content-Length
  // over the limit is refused unread; a chunked body is counted as it arrives and refused at the first
  // byte past the limit, so a 50 MB form never reaches memory. /api answers problem+json, every other
  // path (the admin's forms, its sign-in) the admin's HTML error.
  app.use('*', bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: (c) => {
      const tooLarge = new ApiError(413, 'payload_too_large', `Request bodies are limited to ${deps.config.BODY_LIMIT_BYTES} bytes.`);
      if (c.req.path.startsWith('/api/')) throw tooLarge;
      return adminErrorResponse(tooLarge, c);
    },
  }));
  app.use('/api/*', methodGuard(allowed));
  // An API key, or a signed-in admin's session cookie (CSRF-checked): see identity/apiCaller.ts.
  app.use('/api/v1/*', resolveApiCaller({ ...deps, auth: deps.hub.auth, sessions: deps.hub.sessions }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer', description: 'An API key from `bun run cli key create`; it decides the tenant.',
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey', in: 'cookie', name: 'ts_session',
    description: "A signed-in admin's session (the back office's cookie); writes also need X-CSRF-Token. Notifications are per admin.",
  });

  app.route('/api/v1', customerRoutes(deps));
  app.route('/api/v1', customerVisitRoutes(deps));
  app.route('/api/v1', ledgerExportRoutes(deps));
  app.route('/api/v1', loyaltyRoutes(deps));
  app.route('/api/v1', mergeEraseRoutes(deps));
  app.route('/api/v1', settingsRoutes(deps));
  app.route('/api/v1', locationRoutes(deps));
  app.route('/api/v1', orderRoutes(deps));
  app.route('/api/v1', giftCardRoutes(deps));
  app.route('/api/v1', reportRoutes(deps));
  app.route('/api/v1', giftCardListRoutes(deps));
  app.route('/api/v1', liabilityRoutes(deps));
  app.route('/api/v1', reconciliationRoutes(deps));
  app.route('/api/v1', eventRoutes(deps));
  app.route('/api/v1', terminalRoutes(deps));
  app.route('/api/v1', rewardRoutes(deps));
  app.route('/api/v1', webhookRoutes(deps));
  app.route('/api/v1', walletLinkRoutes(deps));
  app.route('/api/v1', notificationRoutes(deps));

  // Every event type's payload, as the POST a webhook endpoint receives (OpenAPI 3.1 `webhooks`).
  registerEventWebhooks(app.openAPIRegistry);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'tillstream API', version: '1.0.0',
      description: 'Loyalty points, orders and gift cards for restaurant groups. Errors are application/problem+json with a stable `code`. Every POST accepts `Idempotency-Key`.',
    },
    servers: [{ url: '/' }],
  });
  app.route('/', docsRoutes());
  // The guest's wallet: /w/<token>, no sign-in (a tenant slug is at least two characters, so never `w`).
  app.route('/', walletApp(deps));
  // The back office: /{tenant}/admin/… HTML pages and their assets.
  app.route('/', adminApp(deps));
  app.route('/', asyncApiRoutes());

  // Prometheus scrape target: stream and listener health of this instance.
  app.get('/metrics', async (c) => {
    let usage: number | null = null;
    try { [{ usage }] = await deps.sql`select pg_notification_queue_usage()::float8 as usage`; } catch { /* reported as absent */ }
    const text = deps.hub.metrics.render({
      openStreams: deps.hub.openStreams, subscribedTenants: deps.hub.subscribedTenants,
      listenerUp: deps.hub.listenerUp(), notificationQueueUsage: usage,
    });
    return c.body(text, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, boolean> = {};
    try { await deps.sql`select 1`; checks.database = true; } catch { checks.database = false; }
    for (const [name, check] of Object.entries(readiness)) {
      try { checks[name] = await check(); } catch { checks[name] = false; }
    }
    const ok = Object.values(checks).every(Boolean);
    return c.json({ status: ok ? 'ready' : 'not_ready', checks }, ok ? 200 : 503);
  });

  return app;
}
