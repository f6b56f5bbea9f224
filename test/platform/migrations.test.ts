import { describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../src/platform/database.ts';
import { migrate, NEVER_RELEASED } from '../../src/platform/migrations.ts';
import { withDatabase } from '../support/setup.ts';

const cluster = await ((globalThis as any).__tillstreamCluster as Promise<{ adminUrl: string; admin: import('postgres').Sql }>);
const files = readdirSync(join(import.meta.dir, '..', '..', 'sql')).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();

async function emptyDatabase() {
  const name = `m_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  await cluster.admin.unsafe(`create database ${name}`);
  return { name, url: withDatabase(cluster.adminUrl, name) };
}

describe('migrations', () => {
  test('are numbered contiguously from 0001: the one gap, 0003, was never released and is explained', () => {
    const numbers = files.map((f) => f.slice(0, 4));
    const last = Number(numbers.at(-1));
    const expected = Array.from({ length: last }, (_, i) => String(i + 1).padStart(4, '0'))
      .filter((n) => !NEVER_RELEASED.includes(n));
    expect(numbers).toEqual(expected);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  test('apply from empty in order, recording each version; a second run is a no-op', async () => {
    const { name, url } = await emptyDatabase();
    const sql = connect(url, 2);
    try {
      expect(await migrate(sql)).toEqual(files);
      const rows = await sql`select version, name from schema_migrations order by version`;
      expect(rows.map((r) => r.name)).toEqual(files);
      expect(await migrate(sql)).toEqual([]);
      expect([...(await sql`select count(*)::int as n from schema_migrations`)]).toEqual([{ n: files.length }]);
    } finally {
      await sql.end();
      await cluster.admin.unsafe(`drop database ${name} with (force)`);
    }
  });

  test('two runners starting at once apply each migration exactly once', async () => {
    const { name, url } = await emptyDatabase();
    const one = connect(url, 2);
    const two = connect(url, 2);
    try {
      const [a, b] = await Promise.all([migrate(one), migrate(two)]);
      expect([...a, ...b].sort()).toEqual(files);
      expect([...(await one`select count(*)::int as n from schema_migrations`)]).toEqual([{ n: files.length }]);
    } finally {
      await one.end();
      await two.end();
      await cluster.admin.unsafe(`drop database ${name} with (force)`);
    }
  });
});
