import postgres from 'postgres';
import { markRetried, readRetryable, writeRetryable } from './dbFailure.ts';

export type Sql = postgres.Sql<{}>;
export type Tx = postgres.TransactionSql<{}>;
/** What a domain command or query runs on: the pool, or the transaction a door opened for it. */
export type Db = Sql | Tx;

/** Bounds on how long one call may wait for Postgres (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS). */
export type Timeouts = { connectMs: number; statementMs: number };

/**
 * Between reconnects after a failed connect the client waits `backoff(n)` seconds, and queued queries
 * wait with it, one connect attempt each: its default grows to 20 s, which is how a request hung for
 * more than 10 s during an outage. Capped at 0.1 s, a queue of queries fails (503) or resumes quickly;
 * the attempts it costs a down server are no more than the requests arriving, and a refused connect
 * costs it nothing.
 */
export const reconnectBackoff = (retries: number) => Math.min(0.01 * 2 ** retries, 0.1) * (0.5 + Math.random() / 2);

/** The one pool of a process. Columns stay snake_case: SQL functions shape the JSON the API returns. */
/**
 * `onStatement` is called for every statement sent (BEGIN and COMMIT included), with its text:
 * /metrics counts them (main.ts), tests count round trips or see which tables a request asked about.
 * It is the client's `debug` hook, which also makes a failed query's parameters enumerable on its
 * error; log.ts keeps them out of the log.
 */
export function connect(url: string, max = 10, timeouts?: Timeouts, onStatement?: (connection: number, query: string) => void): Sql {
  return postgres(url, {
    max,
    ...(onStatement ? { debug: onStatement } : {}),
    onnotice: () => {},
    backoff: reconnectBackoff,
    ...(timeouts ? { connect_timeout: timeouts.connectMs / 1000 } : {}),
    // int8 (event ids, sequence numbers, counts) as JS numbers: they stay far below 2^53.
    types: {
      int8: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
    // statement_timeout is a startup parameter, so it holds for every statement on every connection,
    // including the lock waits inside them: no request waits on Postgres for longer than this.
    // client_connection_check_interval: Postgres polls the socket while a statement runs and cancels it
    // once the client is gone. A statement cut off by shutdown's deadline (the pool closed under it)
    // then rolls back even when it is a lone statement, or waiting on a row lock, rather than
    // committing later for nobody (oneStatement below has no COMMIT for a closed pool to withhold).
    connection: {
      TimeZone: 'UTC', client_connection_check_interval: 250,
      ...(timeouts ? { statement_timeout: timeouts.statementMs } : {}),
    },
    transform: { undefined: null },
  });
}

/**
 * A server that kills one connection (failover, restart, pg_terminate_backend) has usually killed
 * them all, but the client learns of each only when its socket's close is read. Retrying at once hands
 * the work to the next dead connection; a short pause lets the event loop read those closes first, so
 * the retry gets a fresh connection.
 */
const beforeRetry = () => Bun.sleep(20 + Math.random() * 30);

/**
 * Run `work` in one transaction. If the connection fails before COMMIT was sent (a connection killed
 * by the server, a failover, a refused connect), the server rolled the transaction back, so it runs
 * once more on a fresh connection. Once `work` has returned, COMMIT is on its way and its outcome is
 * unknown if the connection then fails: that is never retried (the error path answers 503).
 */
export async function transaction<T>(sql: Sql, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let commitSent = false;
    try {
      return await sql.begin(async (tx) => {
        const out = await work(tx);
        commitSent = true;
        return out;
      }) as T;
    } catch (err) {
      if (attempt > 1) { markRetried(err); throw err; }
      if (!writeRetryable(err, commitSent)) throw err;
      await beforeRetry();
    }
  }
}

/**
 * Run `work`, one statement, on the pool with no transaction around it: Postgres runs a lone statement
 * as a transaction of its own (all of it or nothing), and the answer comes back in one round trip
 * where BEGIN … COMMIT takes two. For a write that is one SQL function call (a points change). Once
 * sent, its outcome is unknown if the connection fails, so it runs again only when the error shows it
 * was never sent (a refused connect); otherwise the error path answers 503.
 */
export async function oneStatement<T>(sql: Sql, work: (db: Sql) => Promise<T>): Promise<T> {
  try {
    return await work(sql);
  } catch (err) {
    if (!writeRetryable(err, true)) throw err;
    await beforeRetry();
    try {
      return await work(sql);
    } catch (again) {
      markRetried(again);
      throw again;
    }
  }
}

/** A read (a query, or a read-only transaction) whose connection failed runs once more on a fresh one. */
export async function retryingRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!readRetryable(err)) throw err;
    await beforeRetry();
    try {
      return await read();
    } catch (again) {
      markRetried(again);
      throw again;
    }
  }
}
