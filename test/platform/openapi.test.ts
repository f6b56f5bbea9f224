import { describe, expect, test } from 'bun:test';
import { PROBLEM_CODES } from '../../src/platform/errors.ts';
import { testApp } from '../support/app.ts';

// The published document is the integrators' contract: a generated client must see every status a
// route can answer and every problem code it can switch on.
const t = await testApp();
const doc = (await t.anon.get('/openapi.json')).body;
const operations = Object.entries(doc.paths as Record<string, Record<string, any>>)
  .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
  .filter((o) => o.path.startsWith('/api/v1/'));

const statuses = (op: any) => Object.keys(op.responses ?? {}).map(Number);
const has = (op: any, header: string) => (op.parameters ?? []).some((p: any) => p.in === 'header' && p.name === header);

describe('the OpenAPI document', () => {
  test('Problem.code is the enum of every code the service can answer', () => {
    expect(doc.components.schemas.Problem.properties.code.enum).toEqual([...PROBLEM_CODES]);
  });

  test('every authenticated operation documents 401 and 403 (forbidden by the policy, or csrf_failed for cookie callers)', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const { path, method, op } of operations) {
      expect({ route: `${method} ${path}`, statuses: statuses(op) }).toMatchObject({ statuses: expect.arrayContaining([401, 403]) });
    }
  });

  test('every operation with a JSON body documents 400, 413 and 415', () => {
    for (const { path, method, op } of operations.filter((o) => o.op.requestBody)) {
      expect({ route: `${method} ${path}`, statuses: statuses(op) }).toMatchObject({ statuses: expect.arrayContaining([400, 413, 415]) });
    }
  });

  test('every operation that takes an Idempotency-Key documents 409 (key in use) and 422 (key reused)', () => {
    const idempotent = operations.filter((o) => has(o.op, 'idempotency-key'));
    expect(idempotent.length).toBeGreaterThan(10);
    for (const { path, method, op } of idempotent) {
      expect({ route: `${method} ${path}`, statuses: statuses(op) }).toMatchObject({ statuses: expect.arrayContaining([409, 422]) });
    }
  });

  test('every operation addressing a resource by id or code documents 404', () => {
    for (const { path, method, op } of operations.filter((o) => /\{(id|code)\}/.test(o.path))) {
      expect({ route: `${method} ${path}`, statuses: statuses(op) }).toMatchObject({ statuses: expect.arrayContaining([404]) });
    }
  });

  test('every POST accepts an Idempotency-Key', () => {
    for (const { path, method, op } of operations.filter((o) => o.method === 'post')) {
      expect({ route: `${method} ${path}`, idempotencyKey: has(op, 'idempotency-key') }).toEqual({ route: `${method} ${path}`, idempotencyKey: true });
    }
  });
});
