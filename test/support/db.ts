import { afterAll } from 'bun:test';
import { connect, type Sql } from '../../src/platform/database.ts';
import { withDatabase } from './setup.ts';

type Cluster = { adminUrl: string; admin: import('postgres').Sql };
const clusterPromise = (globalThis as any).__tillstreamCluster as Promise<Cluster>;

let counter = 0;

/** A fresh, migrated database for one test file (cloned from the template), dropped afterwards. */
export async function freshDatabase(): Promise<{ sql: Sql; url: string }> {
  const cluster = await clusterPromise;
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await cluster.admin.unsafe(`create database ${name} template tillstream_template`);
  const url = withDatabase(cluster.adminUrl, name);
  const sql = connect(url, 20);
  afterAll(async () => {
    await sql.end({ timeout: 1 });
    await cluster.admin.unsafe(`drop database if exists ${name} with (force)`);
  });
  return { sql, url };
}
