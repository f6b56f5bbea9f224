import { describe, expect, test } from 'bun:test';
import { freshDatabase } from '../support/db.ts';
import { connect, oneStatement, retryingRead, transaction } from '../../src/platform/database.ts';
import { dbFailure } from '../../src/platform/dbFailure.ts';
import { toProblem } from '../../src/platform/errors.ts';

const { sql, url } = await freshDatabase();
await sql`create table fault_probe (id serial primary key, attempt int not null)`;
// Fires at COMMIT (deferred): kills its own backend while COMMIT is in flight, like a failover would.
await sql`create function fault_kill_self() returns trigger language plpgsql as $$
  begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(1); return null; end $$`;
await sql`create table fault_commit_probe (id serial primary key)`;
await sql`create constraint trigger fault_at_commit after insert on fault_commit_probe
  deferrable initially deferred for each row execute function fault_kill_self()`;

const killSelf = (tx: typeof sql) => tx`select pg_terminate_backend(pg_backend_pid()), pg_sleep(1)`;

describe('classifying database failures', () => {
  test('failures that never reached a live session, sessions lost mid-flight, timeouts and the rest are told apart', () => {
    const cases: [string, ReturnType<typeof dbFailure>][] = [
      ['ECONNREFUSED', 'not_sent'], ['CONNECT_TIMEOUT', 'not_sent'], ['CONNECTION_ENDED', 'not_sent'],
      ['57P03', 'not_sent'], ['53300', 'not_sent'], ['08001', 'not_sent'],
      ['57P01', 'lost'], ['57P02', 'lost'], ['CONNECTION_CLOSED', 'lost'], ['CONNECTION_DESTROYED', 'lost'],
      ['ECONNRESET', 'lost'], ['EPIPE', 'lost'], ['08006', 'lost'], ['08003', 'lost'],
      ['57014', 'timeout'],
      ['23505', null], ['TS409', null], ['22P02', null],
    ];
    for (const [code, want] of cases) expect([code, dbFailure(Object.assign(new Error('x'), { code }))]).toEqual([code, want]);
    expect(dbFailure(new Error('no code'))).toBeNull();
    expect(dbFailure(null)).toBeNull();
  });

  test('any of them is answered 503 database_unavailable with a Retry-After, never 500', () => {
    for (const code of ['ECONNREFUSED', '57P01', 'CONNECTION_CLOSED', '57014']) {
      const p = toProblem(Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code }));
      expect(p).toMatchObject({ status: 503, code: 'database_unavailable', retryAfterSeconds: 2 });
      expect(p.detail).not.toContain('127.0.0.1');
    }
  });
});

describe('the transaction helper', () => {
  test('a transaction whose connection is killed before COMMIT runs once more on a fresh connection and commits once', async () => {
    let attempts = 0;
    const out = await transaction(sql, async (tx) => {
      attempts++;
      await tx`insert into fault_probe (attempt) values (${attempts})`;
      if (attempts === 1) await killSelf(tx as never);
      return attempts;
    });
    expect(out).toBe(2);
    expect([...await sql`select attempt from fault_probe`]).toEqual([{ attempt: 2 }]);
  });

  test('a transaction whose connection dies while COMMIT is in flight is not run again (its outcome is unknown)', async () => {
    let attempts = 0;
    const err = await transaction(sql, async (tx) => {
      attempts++;
      await tx`insert into fault_commit_probe default values`;
    }).catch((e) => e);
    expect(attempts).toBe(1);
    expect(dbFailure(err)).toBe('lost');
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'database_unavailable' });
    // Here the server rolled it back; the client could not know that, which is why it did not retry.
    expect([...await sql`select count(*)::int as n from fault_commit_probe`]).toEqual([{ n: 0 }]);
  });

  test('a refusal inside the work is not retried', async () => {
    let attempts = 0;
    const err = await transaction(sql, async (tx) => {
      attempts++;
      await tx`select 1/0`;
    }).catch((e) => e);
    expect(attempts).toBe(1);
    expect(err.code).toBe('22012');
  });

  test('a statement past DB_STATEMENT_TIMEOUT_MS is cancelled, answered 503, and not retried', async () => {
    const slow = connect(url, 1, { connectMs: 2000, statementMs: 200 });
    let attempts = 0;
    const err = await transaction(slow, async (tx) => { attempts++; await tx`select pg_sleep(5)`; }).catch((e) => e);
    await slow.end({ timeout: 1 });
    expect(attempts).toBe(1);
    expect(dbFailure(err)).toBe('timeout');
    expect(toProblem(err).status).toBe(503);
  });

  test('a read whose connection is killed runs once more', async () => {
    let attempts = 0;
    const rows = await retryingRead(async () => {
      attempts++;
      if (attempts === 1) await killSelf(sql);
      return sql`select count(*)::int as n from fault_probe`;
    });
    expect(attempts).toBe(2);
    expect([...rows]).toEqual([{ n: 1 }]);
  });

  test('a second failure is not retried again', async () => {
    let attempts = 0;
    const err = await retryingRead(async () => { attempts++; await killSelf(sql); }).catch((e) => e);
    expect(attempts).toBe(2);
    expect(dbFailure(err)).toBe('lost');
  });

  test('a lone statement whose connection is lost after it was sent is not run again (its outcome is unknown)', async () => {
    let attempts = 0;
    const err = await oneStatement(sql, async (db) => {
      attempts++;
      // Writes, then its backend is killed before the answer: as far as the client knows, it may have committed.
      return db`with w as (insert into fault_probe (attempt) values (100) returning 1)
        select pg_terminate_backend(pg_backend_pid()), pg_sleep(1) from w`;
    }).catch((e) => e);
    expect(attempts).toBe(1);
    expect(dbFailure(err)).toBe('lost');
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'database_unavailable' });
    // Killed mid-statement, so it rolled back: nothing of it is left, and nothing ran twice.
    expect([...await sql`select count(*)::int as n from fault_probe where attempt = 100`]).toEqual([{ n: 0 }]);
  });

  test('a lone statement that never reached a session (refused connect) runs once more', async () => {
    let attempts = 0;
    const out = await oneStatement(sql, async (db) => {
      attempts++;
      if (attempts === 1) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const [{ n }] = await db`select 41 + 1 as n`;
      return n;
    });
    expect(attempts).toBe(2);
    expect(out).toBe(42);
  });
});
