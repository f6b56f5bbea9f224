import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEM_CODES, problem, toProblem } from '../../src/platform/errors.ts';

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
