import { loadConfig } from './config.ts';
import { connect, migrate } from './db.ts';
import { databaseUrl } from './database.ts';
import { createApp } from './app.ts';
import { createTenant } from './tenants.ts';

// Boot: config → database (embedded or DATABASE_URL) → migrate → listener → serve.
const config = loadConfig();
const log = (m: string) => console.log(`[tillstream] ${m}`);

const db = await databaseUrl(config, log).catch((err) => {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
});
const sql = connect(db.url, config.DB_POOL_MAX);
try {
  await migrate(sql, log);
} catch (err) {
  console.error(`Migrations failed: ${String(err)}. Is DATABASE_URL a Postgres 15+ server you may create tables in?`);
  process.exit(1);
}

let demoKey: string | null = null;
if (config.SEED_DEMO) {
  const [existing] = await sql`select 1 from tenants limit 1`;
  if (!existing) demoKey = (await createTenant(sql, { slug: 'demo', name: 'Demo Restaurant' })).apiKey;
}

const app = createApp({ sql, config });
const server = Bun.serve({ port: config.PORT, hostname: config.HOST, fetch: app.fetch, idleTimeout: 30 });
const base = `http://localhost:${server.port}`;
log(`listening on ${base}`);
log(`API docs: ${base}/docs   OpenAPI: ${base}/openapi.json`);
if (demoKey) log(`demo tenant "demo" created; its API key (shown once): ${demoKey}`);

async function shutdown() {
  log('shutting down');
  server.stop(true);
  await sql.end({ timeout: 5 });
  await db.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
