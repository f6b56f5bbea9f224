import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { judgeApi } from './exchange.ts';
import { casesFor, operations } from './operationCases.ts';
import { runCases, verdict } from './runCases.ts';
import { seedTenant } from './seed.ts';

// Each operation's cases take a few seconds on a busy 2-core machine; the slowest (checkout) has ~400.
const PER_OPERATION_MS = 60_000;

const t = await testApp();
const own = await seedTenant(t.sql, t.a, t.tenantA.id, ['+447306590001', '+447306590002']);
const foreign = await seedTenant(t.sql, t.b, t.tenantB.id, ['+447306590003', '+447306590004']);
// The document the app serves, read in-process: a route added to it is fuzzed with no change here.
const doc = await (await t.app.request('/openapi.json')).json();
const ops = operations(doc);

describe('every operation in /openapi.json refuses hostile input with a problem, in time, changing nothing', () => {
  test('the document lists the operations the fuzzer walks', () => {
    expect(ops.length).toBeGreaterThan(20);
    expect(ops.some((o) => o.method === 'POST' && o.path === '/api/v1/orders' && o.body?.properties?.items)).toBe(true);
  });

  for (const op of ops) {
    test(`${op.method} ${op.path}`, async () => {
      const cases = casesFor(op, { own, foreign, keyA: t.keyA });
      expect(cases.length).toBeGreaterThan(0);
      const failures = await runCases(t.app, t.sql, cases, (answer, c) => judgeApi(answer, c.expect));
      expect(verdict(cases, failures)).toBe('');
    }, PER_OPERATION_MS);
  }
});
