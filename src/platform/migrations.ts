import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from './database.ts';

const MIGRATIONS_DIR = join(import.meta.dir, '..', '..', 'sql');

/**
 * Numbers that were handed out and never released. 0003 was reserved for live events (issue 3), built
 * in parallel with orders (0002) and the back office (0004); it needed no schema of its own, because the
 * outbox, the per-tenant event counter and pg_notify were already in 0001_core.sql, so no 0003 file
 * ever shipped. Every number after it is contiguous, and test/platform/migrations.test.ts keeps it so.
 */
export const NEVER_RELEASED = ['0003'];
// An arbitrary constant: every process that migrates this database queues on the same advisory lock.
const MIGRATION_LOCK = 7_351_902_211;

/**
 * Apply sql/NNNN_*.sql in order, each in its own transaction, recording each version.
 * Safe when several processes start at once: the advisory lock serialises them and the
 * second one finds nothing left to do.
 */
export async function migrate(sql: Sql, log: (m: string) => void = () => {}, opts: { through?: string } = {}): Promise<string[]> {
  // `through` stops after that version: tests use it to load data the way an older release wrote it.
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort()
    .filter((f) => opts.through === undefined || f.slice(0, 4) <= opts.through);
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (
      version text primary key, name text not null, applied_at timestamptz not null default now())`;
  });
  for (const file of files) {
    const version = file.slice(0, 4);
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      const [done] = await tx`select 1 from schema_migrations where version = ${version}`;
      if (done) return;
      const text = await Bun.file(join(MIGRATIONS_DIR, file)).text();
      await tx.unsafe(text);
      await tx`insert into schema_migrations (version, name) values (${version}, ${file})`;
      applied.push(file);
      log(`migrated ${file}`);
    });
  }
  return applied;
}
