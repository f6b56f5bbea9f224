import type { Subprocess } from 'bun';
import type { Sql } from '../../src/platform/database.ts';

// What the benchmarks share: reading a child process's stdout line by line, and the database's
// transaction count (committed + rolled back), which is how idle load is measured.

/** A reader of the next stdout line of `proc`; fails when the process ends first. */
export async function lines(proc: { stdout: ReadableStream<Uint8Array> }) {
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  let buf = '';
  return async function next(): Promise<string> {
    for (;;) {
      const i = buf.indexOf('\n');
      if (i >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); return line; }
      const { value, done } = await reader.read();
      if (done) throw new Error('process ended early');
      buf += dec.decode(value, { stream: true });
    }
  };
}

/** Transactions of this database so far (pg_stat_database; idle backends report up to 10 s late). */
export async function xacts(sql: Sql): Promise<number> {
  const [r] = await sql`select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`;
  return Number(r.n);
}
