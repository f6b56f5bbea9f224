import postgres from 'postgres';
import type { Config } from './config.ts';
import { startEmbeddedPostgres } from './embeddedPostgres.ts';

/**
 * DATABASE_URL when set, else the embedded Postgres with its data under DATA_DIR: reused when it is
 * already running (the service is up and the CLI is called), started otherwise.
 */
export async function databaseUrl(config: Config, log: (m: string) => void) {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const url = `postgres://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/postgres`;
  if (await answers(url)) return { url, embedded: true, stop: async () => {} };
  log(`no DATABASE_URL: starting embedded Postgres in ${config.DATA_DIR}/pg on port ${config.EMBEDDED_PG_PORT}`);
  const pg = await startEmbeddedPostgres({ dir: `${config.DATA_DIR}/pg`, port: config.EMBEDDED_PG_PORT, persistent: true, log });
  return { url: pg.url, embedded: true, stop: pg.stop };
}

async function answers(url: string) {
  const probe = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}
