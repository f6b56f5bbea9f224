import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEM_CODES, problem, toProblem } from '../../src/platform/errors.ts';
import { freshDatabase } from '../support/db.ts';

const SQL_DIR = join(import.meta.dir, '..', '..', 'sql');
const sqlText = readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(join(SQL_DIR, f), 'utf8')).join('\n');

describe('problem codes', () => {
  test('every code the SQL functions raise is in the documented enum', () => {
    const raised = [...sqlText.matchAll(/raise_domain\(\s*\d{3},\s*'([a-z_]+)'/g)].map((m) => m[1]);
    expect(raised.length).toBeGreaterThan(5);
    for (const code of new Set(raised)) expect(PROBLEM_CODES as readonly string[]).toContain(code);
  });

  test('a domain error raised by SQL keeps its status, code, detail and extras', () => {
    const p = toProblem({ code: 'TS409', message: 'insufficient_points', detail: 'Insufficient loyalty points. Available: 1, Requested: 2', hint: '{"available":1,"requested":2}' });
    expect(p).toEqual({ ...problem(409, 'insufficient_points', 'Insufficient loyalty points. Available: 1, Requested: 2'), available: 1, requested: 2 });
  });

  test('an unknown error is a 500 that says nothing about our internals', () => {
    const p = toProblem(new Error('relation "secret_table" does not exist'));
    expect(p.status).toBe(500);
    expect(p.code).toBe('internal_error');
    expect(JSON.stringify(p)).not.toContain('secret_table');
  });
});

describe('data exceptions from Postgres', () => {
  test('every SQLSTATE of class 22 is a 400 validation_failed that says nothing about our internals', () => {
    for (const code of ['22007', '22008', '22009', '22023', '22012', '22000', '22P02', '22003']) {
      const p = toProblem({ name: 'PostgresError', code, message: 'date/time field value out of range: "0000-01-01" in function secret_fn' });
      expect({ code, status: p.status, problem: p.code }).toEqual({ code, status: 400, problem: 'validation_failed' });
      expect(JSON.stringify(p)).not.toContain('secret_fn');
    }
  });

  test('the dates and zones of issue 10 each raise a class 22 error in a real Postgres, and each maps to 400', async () => {
    const { sql } = await freshDatabase();
    const probes = [
      sql`select '0000-01-01'::date`,
      sql`select '9999-12-31T23:59:59-23:59'::timestamptz`,
      sql`select now() at time zone 'US/Pacific-New'`,
      sql`select 'yesterday-ish'::timestamptz`,
    ];
    for (const probe of probes) {
      const err = await probe.then(() => null, (e) => e);
      expect(err?.code).toStartWith('22');
      expect(toProblem(err).status).toBe(400);
    }
  }, 30_000); // a fresh database on a busy machine
});
