import { describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { testApp } from '../support/app.ts';
import { judgeApi } from './exchange.ts';
import { casesFor, operations } from './operationCases.ts';
import { runCases, verdict } from './runCases.ts';

// The fuzzer is only worth its green if it can go red: each of its checks, against an app that breaks it.
const t = await testApp();
const problem = (status: number, code = 'validation_failed') =>
  new Response(JSON.stringify({ type: 'x', title: 'x', status, detail: 'x', code }), { status, headers: { 'content-type': 'application/problem+json' } });
const post = (name: string, expect: 'refuse' | 'either' = 'refuse') =>
  ({ name: `POST /x ${name}`, method: 'POST', url: '/x', headers: { 'content-type': 'application/json' }, body: '{}', expect });

async function failuresOf(handler: (c: any) => Response | Promise<Response>, expect: 'refuse' | 'either' = 'refuse', deadlineMs?: number) {
  const app = new Hono().post('/x', handler);
  return runCases(app, t.sql, [post('case', expect)], (answer, c) => judgeApi(answer, c.expect), deadlineMs);
}

describe('the fuzz harness catches what it claims to', () => {
  test('a 500, a non-problem refusal, an unknown code and an accepted bad request each fail', async () => {
    expect((await failuresOf(() => problem(500, 'internal_error')))[0].problem).toStartWith('500');
    expect((await failuresOf(() => new Response('no', { status: 400 })))[0].problem).toContain('content-type');
    expect((await failuresOf(() => problem(400, 'made_up')))[0].problem).toContain('not one of PROBLEM_CODES');
    expect((await failuresOf(() => new Response('{}', { status: 200 })))[0].problem).toContain('accepted (200)');
    expect(await failuresOf(() => new Response('{}', { status: 200 }), 'either')).toEqual([]);
    expect(await failuresOf(() => problem(409, 'conflict'))).toEqual([]);
  });

  test('a refusal that wrote a row fails, naming the table', async () => {
    const failures = await failuresOf(async () => {
      await t.sql`update tenants set name = name || '!' where id = ${t.tenantA.id}`;
      return problem(400);
    });
    expect(failures).toHaveLength(1);
    expect(failures[0].problem).toStartWith('a refusal changed tenants');
    expect(failures[0].request).toStartWith('POST /x');
  });

  test('a request that never answers fails at the deadline instead of hanging the suite', async () => {
    const failures = await failuresOf(() => new Promise<Response>(() => {}), 'refuse', 300);
    expect(failures).toEqual([{ name: 'POST /x case', request: expect.any(String), problem: 'no answer within 300 ms' }]);
  });

  test('the verdict fails on an unlisted failure and on a listed case that now passes', () => {
    const listed = 'POST /x listed';
    const known = [listed];
    const cases = [{ ...post('new'), name: 'POST /x new' }, { ...post('listed'), name: listed }];
    expect(verdict(cases, [], known)).toBe(`PASSES NOW, remove it from KNOWN_FAILURES: ${listed}`);
    expect(verdict(cases, [{ name: listed, request: '', problem: '' }], known)).toBe('');
    expect(verdict(cases, [{ name: 'POST /x new', request: 'POST /x', problem: '500' }, { name: listed, request: '', problem: '' }], known))
      .toStartWith('FAILED POST /x new');
  });

  test('every operation of the document gets cases, and a new route in it is picked up with no listing', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    doc.paths['/api/v1/widgets/{id}'] = { post: {
      security: [{ bearer: [] }],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['size'], additionalProperties: false,
        properties: { size: { type: 'integer', minimum: 1, maximum: 10 } } } } } },
    } };
    const widgets = operations(doc).find((o) => o.path === '/api/v1/widgets/{id}')!;
    const names = casesFor(widgets, { own: {}, foreign: {}, keyA: t.keyA }).map((c) => c.name);
    expect(names).toContain('POST /api/v1/widgets/{id} body size=11');
    expect(names).toContain('POST /api/v1/widgets/{id} body without size');
    expect(names).toContain('POST /api/v1/widgets/{id} path id="not-a-uuid"');
    expect(names).toContain('POST /api/v1/widgets/{id} content-type text/plain');
  });
});
