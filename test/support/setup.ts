import { afterAll, setDefaultTimeout } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { connect } from '../../src/platform/database.ts';
import { migrate } from '../../src/platform/migrations.ts';

// Preloaded once per `bun test` run: one real Postgres (embedded, or TEST_DATABASE_URL), one migrated
// template database; each test file clones the template (see db.ts beside this file).
const TEMPLATE = 'tillstream_template';

// Bun's 5 s default is for a quiet machine; CI is a busy 2-core one. `[test] timeout` in bunfig.toml is
// not applied by Bun 1.4.5, this is. A test expected to take seconds still names its own timeout.
setDefaultTimeout(15_000);

async function boot() {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    // Below Linux's ephemeral range (32768+), so no outgoing connection can already hold it.
    const port = 20000 + Math.floor(Math.random() * 4000);
    const pg = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'tillstream-test-')), port, persistent: false });
    adminUrl = pg.url;
    stop = pg.stop;
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${TEMPLATE}`);
  await admin.unsafe(`create database ${TEMPLATE}`);
  const tpl = connect(withDatabase(adminUrl, TEMPLATE), 1);
  await migrate(tpl);
  await tpl.end();
  return { adminUrl, admin, stop };
}

export function withDatabase(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export const cluster = boot();
(globalThis as any).__tillstreamCluster = cluster;

afterAll(async () => {
  const c = await cluster;
  await c.admin.end({ timeout: 1 });
  await c.stop();
});
