import { describe, expect, test } from 'bun:test';
import { csvCell, csvLine } from '../../src/platform/csv.ts';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol } from '../support/fixtures.ts';

// CSV exports of customers and the ledger: escaping, content negotiation, tenant isolation, both doors.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');

const tricky = await enrol(t.a, '+447306505001', 0, 'Smith, "Jo"');
const formula = await enrol(t.a, '+447306505002', 0, '=HYPERLINK("http://evil.test")');
expect((await t.a.post(`/api/v1/customers/${tricky.id}/points/add`, { points: 40, reason: 'line one\nline two' })).status).toBe(200);
expect((await t.a.post(`/api/v1/customers/${tricky.id}/points/adjust`, { points: -15, reason: '@SUM(A1:A2), said "hi"' })).status).toBe(200);
const bravo = await enrol(t.b, '+447306505003', 10, 'Bravo Only');

const csv = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers: { authorization: `Bearer ${t.keyA}`, ...headers } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
};
const today = new Date().toISOString().slice(0, 10);
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('a CSV cell', () => {
  test('is quoted when it holds a comma, quote or line break, with its quotes doubled', () => {
    expect([csvCell('a,b'), csvCell('say "hi"'), csvCell('one\ntwo'), csvCell('one\r\ntwo'), csvCell('plain')])
      .toEqual(['"a,b"', '"say ""hi"""', '"one\ntwo"', '"one\r\ntwo"', 'plain']);
  });

  test('that a spreadsheet would run as a formula is prefixed with an apostrophe', () => {
    expect(['=1+1', '+44 7700', '-2', '@SUM(A1)', '\tx', '=a,b'].map(csvCell))
      .toEqual(["'=1+1", "'+44 7700", "'-2", "'@SUM(A1)", "'\tx", `"'=a,b"`]);
  });

  test('keeps numbers as numbers (a negative stays -15) and writes null as empty', () => {
    expect(csvLine([-15, 0, null, undefined, true])).toBe('-15,0,,,true\r\n');
  });

  test("written by Postgres (csv_text, for the ledger's lines) is the same cell as csvCell writes", async () => {
    const values = ['a,b', 'say "hi"', 'one\ntwo', 'one\r\ntwo', 'plain', '=1+1', '+44 7700', '-2', '@SUM(A1)', '\tx', '\rx',
      '=a,b', "it's", '', ' =lead space', 'naïve, "café"', '\\back\\slash', null];
    const [{ cells }] = await t.sql`select array_agg(csv_text(v) order by i) as cells
      from unnest(${t.sql.array(values as string[])}::text[]) with ordinality as x(v, i)`;
    expect(cells).toEqual(values.map(csvCell));
  });
});

describe('exports over the API', () => {
  test('?format=csv on the customer list is every customer of the tenant, escaped, as a download', async () => {
    const r = await csv('/api/v1/customers?format=csv');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/csv; charset=utf-8');
    expect(r.disposition).toMatch(/^attachment; filename="customers-alpha-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = r.text.split('\r\n');
    expect(lines[0]).toBe('id,phone,name,email,pointsBalance,totalPointsEarned,totalPointsRedeemed,createdAt,updatedAt');
    expect(lines).toHaveLength(4); // header, two customers, and the empty string after the last CRLF
    expect(lines[1]).toStartWith(`${formula.id},'+447306505002,"'=HYPERLINK(""http://evil.test"")",,0,0,0,`);
    expect(lines[2]).toStartWith(`${tricky.id},'+447306505001,"Smith, ""Jo""",,25,40,0,`);
    expect(r.text).not.toContain(bravo.id);
  });

  test('Accept: text/csv asks for CSV too, and ?format=json wins over it', async () => {
    const viaHeader = await csv('/api/v1/customers', { accept: 'text/csv' });
    expect(viaHeader.type).toBe('text/csv; charset=utf-8');
    expect(viaHeader.text).toBe((await csv('/api/v1/customers?format=csv')).text);
    const json = await csv('/api/v1/customers?format=json', { accept: 'text/csv' });
    expect(json.type).toContain('application/json');
  });

  test("a customer's ledger exports oldest first with line breaks and formulas made safe", async () => {
    const r = await csv(`/api/v1/customers/${tricky.id}/transactions?format=csv`);
    expect(r.status).toBe(200);
    const body = r.text.split('\r\n');
    expect(body[0]).toBe('id,customerId,type,points,balanceBefore,balanceAfter,reason,orderId,locationId,actor,createdAt');
    expect(body[1]).toContain(`,${tricky.id},add,40,0,40,"line one\nline two",,,key:`);
    expect(body[2]).toContain(`,${tricky.id},adjust,-15,40,25,"'@SUM(A1:A2), said ""hi""",,,key:`);
    expect(body).toHaveLength(4);
  });

  test('the whole ledger of a date range holds the rows of those days only', async () => {
    const around = await csv(`/api/v1/ledger?from=${day(-1)}&to=${day(1)}`);
    expect(around.status).toBe(200);
    expect(around.text.split('\r\n').filter((l) => l.includes(tricky.id))).toHaveLength(2);
    expect(around.text).not.toContain(bravo.id);
    const future = await csv(`/api/v1/ledger?from=${day(2)}&to=${day(3)}`);
    expect(future.text.split('\r\n')).toHaveLength(2); // the header alone
  });

  test('a range that ends before it starts, or a day that does not exist, is 400 and no file', async () => {
    for (const q of [`from=${today}&to=${day(-2)}`, 'from=2026-02-30&to=2026-03-01', 'from=yesterday&to=today']) {
      const r = await t.a.get(`/api/v1/ledger?${q}`);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    }
  });

  test("another tenant's export holds its own customers only, and A's customer's ledger is 404 to it", async () => {
    const list = await t.app.request('/api/v1/customers?format=csv', { headers: { authorization: `Bearer ${t.keyB}` } });
    const text = await list.text();
    expect(text).toContain(bravo.id);
    for (const id of [tricky.id, formula.id]) expect(text).not.toContain(id);
    const ledger = await t.app.request('/api/v1/ledger?from=2000-01-01&to=2100-01-01', { headers: { authorization: `Bearer ${t.keyB}` } });
    expect(await ledger.text()).not.toContain(tricky.id);
    const theirs = await t.b.get(`/api/v1/customers/${tricky.id}/transactions?format=csv`);
    expect({ status: theirs.status, code: theirs.body.code }).toEqual({ status: 404, code: 'not_found' });
  });

  test('the OpenAPI document offers text/csv on the list endpoints and documents format', async () => {
    const doc = (await t.anon.get('/openapi.json')).body;
    for (const path of ['/api/v1/customers', '/api/v1/customers/{id}/transactions', '/api/v1/ledger']) {
      expect(Object.keys(doc.paths[path].get.responses['200'].content)).toContain('text/csv');
    }
    expect(doc.paths['/api/v1/customers'].get.parameters.map((p: any) => p.name)).toContain('format');
  });
});

describe('exports in the admin pages', () => {
  test('the customers page links to both downloads and the customer page to their ledger', async () => {
    const list = await (await owner.get('/customers')).text();
    expect(list).toContain('href="/alpha/admin/customers/export"');
    expect(list).toContain('action="/alpha/admin/customers/export/ledger"');
    const one = await (await owner.get(`/customers/${tricky.id}`)).text();
    expect(one).toContain(`href="/alpha/admin/customers/${tricky.id}/export"`);
  });

  test('the admin downloads are the same bytes as the API exports', async () => {
    const pairs: [string, string][] = [
      ['/customers/export', '/api/v1/customers?format=csv'],
      [`/customers/${tricky.id}/export`, `/api/v1/customers/${tricky.id}/transactions?format=csv`],
      [`/customers/export/ledger?from=${day(-1)}&to=${day(1)}`, `/api/v1/ledger?from=${day(-1)}&to=${day(1)}`],
    ];
    for (const [page, api] of pairs) {
      const res = await owner.get(page);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(await res.text()).toBe((await csv(api)).text);
    }
  });

  test('a search narrows the customer download to the customers it finds', async () => {
    const text = await (await owner.get('/customers/export?q=smith')).text();
    expect(text).toContain(tricky.id);
    expect(text).not.toContain(formula.id);
  });
});
