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

/**
 * Every distinct statement other backends started during the next `ms` (sampled from pg_stat_activity
 * every 20 ms, so a statement that starts and ends between two samples can be missed), with counts.
 * The sampling itself costs queries: run it in a window of its own, not one that counts transactions.
 */
export async function statementsDuring(sql: Sql, ms: number): Promise<Map<string, number>> {
  const [{ pid: me }] = await sql`select pg_backend_pid() as pid`;
  const seen = new Map<string, number>();
  const counted = new Set<string>();
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const rows = await sql`select pid, query_start, query from pg_stat_activity
      where backend_type = 'client backend' and pid <> ${me} and query_start is not null`;
    for (const r of rows) {
      const k = `${r.pid}:${+r.query_start}`;
      if (+r.query_start < t0 || counted.has(k)) continue;
      counted.add(k);
      const q = String(r.query).replace(/\s+/g, ' ').slice(0, 100);
      seen.set(q, (seen.get(q) ?? 0) + 1);
    }
    await Bun.sleep(20);
  }
  return seen;
}

/**
 * Vacuum and analyze runs of this database's tables so far, manual and automatic. Autovacuum workers'
 * transactions count in pg_stat_database like any client's, so an idle window that follows a burst of
 * writes (a previous run's events) counts them as idle load: this tells the two apart.
 */
export async function vacuumRuns(sql: Sql): Promise<number> {
  const [r] = await sql`select coalesce(sum(vacuum_count + autovacuum_count + analyze_count + autoanalyze_count), 0) as n
    from pg_stat_all_tables`;
  return Number(r.n);
}

/**
 * Statements a tillstream instance's pool has sent so far (`tillstream_db_statements_total` on its
 * /metrics; the scrape's own read is one of them), or NaN for a server without it. This is the
 * instance's own load, whatever else (autovacuum, other clients) the database's counters include.
 */
export async function instanceStatements(port: number): Promise<number> {
  // Bounded: a server without /metrics may never answer it (socket.io's HTTP server leaves it hanging).
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })
    .then((r) => (r.ok ? r.text() : ''), () => '');
  return Number(text.match(/^tillstream_db_statements_total (\d+)$/m)?.[1] ?? NaN);
}
