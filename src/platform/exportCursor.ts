import type { Sql, Tx } from './database.ts';

/**
 * Batches of a cursor read inside a transaction of its own, with its own statement timeout. An export
 * is one statement however many rows it streams, so the pool's DB_STATEMENT_TIMEOUT_MS (every
 * connection's startup setting, sized for interactive calls) cut a 5,000,000-row ledger at 10 s.
 * `set_config('statement_timeout', …, true)` is SET LOCAL (ends with the transaction, so the connection
 * goes back to the pool with the short bound) taking a bound parameter. The transaction is repeatable
 * read, read only: the file is one consistent snapshot, and nothing in it can write. The session's
 * TimeZone is set the same way, to the zone the file's times are written in.
 *
 * The transaction runs inside `sql.begin` (which owns the connection, its errors and its release); the
 * generator hands each batch across and waits for the reader to ask for the next. A reader that stops
 * (return(), as a cancelled download does) ends the cursor and the transaction, and return() resolves
 * only once the connection is back in the pool.
 */
export async function* cursorInTransaction<R>(
  sql: Sql, local: { statementTimeoutMs: number; timeZone: string }, rows: (tx: Tx) => AsyncIterable<readonly R[]>,
): AsyncGenerator<readonly R[], void, undefined> {
  // The batch the reader waits for next, and how the transaction settles it; then how the reader resumes it.
  const hand: {
    settle?: { resolve: (batch: readonly R[] | null) => void; reject: (err: unknown) => void };
    resume?: (more: boolean) => void;
  } = {};
  const nextBatch = () => {
    const p = new Promise<readonly R[] | null>((resolve, reject) => { hand.settle = { resolve, reject }; });
    p.catch(() => undefined); // awaited on the reader's next pull; an error before then is not "unhandled"
    return p;
  };
  let pending = nextBatch();
  const done = sql.begin('isolation level repeatable read read only', async (tx) => {
    // The zone is the file's (iso_local, sql/0026_csv_lines.sql, writes times in it), for this transaction only.
    await tx`select set_config('statement_timeout', ${String(local.statementTimeoutMs)}, true), set_config('TimeZone', ${local.timeZone}, true)`;
    for await (const batch of rows(tx)) {
      const more = new Promise<boolean>((r) => { hand.resume = r; });
      hand.settle!.resolve(batch);
      if (!(await more)) break; // leaving the loop closes the portal (the cursor's return())
    }
  });
  done.then(() => hand.settle!.resolve(null), (err) => hand.settle!.reject(err));
  let finished = false;
  try {
    for (;;) {
      const batch = await pending;
      if (batch === null) { finished = true; return; }
      pending = nextBatch();
      yield batch;
      const go = hand.resume!;
      hand.resume = undefined;
      go(true);
    }
  } finally {
    if (!finished) {
      const stop = hand.resume;
      hand.resume = undefined;
      stop?.(false);
      await done.catch(() => undefined);
    }
  }
}
