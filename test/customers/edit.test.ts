import { describe, expect, test } from 'bun:test';
import { CustomerUpdated } from '../../src/customers/events.ts';
import { testApp } from '../support/app.ts';
import { enrol, eventsAfter, lastEventId } from '../support/fixtures.ts';

const t = await testApp();

const customerRow = async (id: string) =>
  (await t.sql`select name, email, phone, birthday::text, marketing_opt_in, note, version from customers where id = ${id}`)[0];
const edits = async (id: string) =>
  [...(await t.sql`select version, changes, actor from customer_edits where customer_id = ${id} order by seq`)];

describe('editing a customer with If-Match', () => {
  test('GET answers an ETag; PATCH with it saves, bumps the version, records the edit and emits customer_updated', async () => {
    const { id } = await enrol(t.a, '+447306511001', 0, 'Ann Smith');
    const got = await t.a.get(`/api/v1/customers/${id}`);
    expect(got.headers.get('etag')).toBe('"1"');
    const before = await lastEventId(t.sql, t.tenantA.id);

    const r = await t.a.patch(`/api/v1/customers/${id}`,
      { name: 'Anne Smith', phone: '07306 511002', birthday: '1990-04-01', marketingOptIn: true, note: 'Prefers oat milk', email: null },
      { 'if-match': '"1"' });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('"2"');
    expect(r.body).toMatchObject({ id, name: 'Anne Smith', phone: '+447306511002', birthday: '1990-04-01', marketingOptIn: true, note: 'Prefers oat milk', email: null, version: 2 });
    expect(await customerRow(id)).toEqual({ name: 'Anne Smith', email: null, phone: '+447306511002', birthday: '1990-04-01', marketing_opt_in: true, note: 'Prefers oat milk', version: 2 });

    const changes = {
      name: { from: 'Ann Smith', to: 'Anne Smith' }, phone: { from: '+447306511001', to: '+447306511002' },
      birthday: { from: null, to: '1990-04-01' }, marketingOptIn: { from: false, to: true }, note: { from: null, to: 'Prefers oat milk' },
    };
    const [edit] = await edits(id);
    expect(edit).toMatchObject({ version: 2, changes });
    expect(edit.actor).toStartWith('key:');

    const events = await eventsAfter(t.sql, t.tenantA.id, before);
    expect(events.map((e) => e.type)).toEqual(['customer_updated']);
    expect(CustomerUpdated.parse(events[0].data)).toMatchObject({ changes, actor: edit.actor, customer: { id, version: 2 } });

    const history = await t.a.get(`/api/v1/customers/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.data).toHaveLength(1);
    expect(history.body.data[0]).toMatchObject({ customerId: id, version: 2, changes });
    expect(history.body.data[0].actor).toContain('API key');
  });

  test('two concurrent PATCHes with the same If-Match: exactly one wins, the other gets 412 with the customer as it now is', async () => {
    const { id } = await enrol(t.a, '+447306511010', 0, 'Bo');
    const [x, y] = await Promise.all([
      t.a.patch(`/api/v1/customers/${id}`, { name: 'Bo from X' }, { 'if-match': '"1"' }),
      t.a.patch(`/api/v1/customers/${id}`, { name: 'Bo from Y' }, { 'if-match': '"1"' }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 412]);
    const [won, lost] = x.status === 200 ? [x, y] : [y, x];
    expect(lost.headers.get('content-type')).toContain('application/problem+json');
    expect(lost.body).toMatchObject({ status: 412, code: 'precondition_failed', current: { id, name: won.body.name, version: 2 } });
    expect(await customerRow(id)).toMatchObject({ name: won.body.name, version: 2 });
    expect(await edits(id)).toHaveLength(1);
  });

  test('without If-Match the edit is 428 precondition_required and nothing changes', async () => {
    const { id } = await enrol(t.a, '+447306511020', 0, 'Cy');
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = await t.a.patch(`/api/v1/customers/${id}`, { name: 'Cyrus' });
    expect(r.status).toBe(428);
    expect(r.body.code).toBe('precondition_required');
    expect(await customerRow(id)).toMatchObject({ name: 'Cy', version: 1 });
    expect(await edits(id)).toEqual([]);
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(before);
  });

  test('a stale or unreadable If-Match is 412 and nothing changes; * edits whatever version it is', async () => {
    const { id } = await enrol(t.a, '+447306511030', 0, 'Di');
    expect((await t.a.patch(`/api/v1/customers/${id}`, { name: 'Diana' }, { 'if-match': '"1"' })).status).toBe(200);
    for (const stale of ['"1"', 'W/"2"', 'garbage', '"2", "3"']) {
      const r = await t.a.patch(`/api/v1/customers/${id}`, { name: 'Dee' }, { 'if-match': stale });
      expect({ stale, status: r.status, code: r.body.code, current: r.body.current?.name }).toEqual({ stale, status: 412, code: 'precondition_failed', current: 'Diana' });
    }
    expect(await customerRow(id)).toMatchObject({ name: 'Diana', version: 2 });
    const any = await t.a.patch(`/api/v1/customers/${id}`, { name: 'Dee' }, { 'if-match': '*' });
    expect({ status: any.status, version: any.body.version }).toEqual({ status: 200, version: 3 });
  });

  test("a phone another customer has is 409 customer_exists; another tenant's customer is 404; nothing changes", async () => {
    const { id } = await enrol(t.a, '+447306511040', 0, 'Ed');
    const other = await enrol(t.a, '+447306511041', 0, 'Flo');
    const before = await lastEventId(t.sql, t.tenantA.id);
    const taken = await t.a.patch(`/api/v1/customers/${id}`, { phone: '+44 7306 511041' }, { 'if-match': '"1"' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'customer_exists', customerId: other.id });
    const foreign = await t.b.patch(`/api/v1/customers/${id}`, { name: 'Hijacked' }, { 'if-match': '*' });
    expect(foreign.status).toBe(404);
    expect((await t.b.get(`/api/v1/customers/${id}/history`)).status).toBe(404);
    expect(await customerRow(id)).toMatchObject({ name: 'Ed', phone: '+447306511040', version: 1 });
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(before);
  });

  test('bad input is 400 and an edit that changes nothing keeps the version and records nothing', async () => {
    const { id } = await enrol(t.a, '+447306511050', 0, 'Gus');
    for (const body of [{ phone: 'not a phone' }, { birthday: '2999-01-01' }, { marketingOptIn: 'yes' }, { phone: null }, { colour: 'red' }]) {
      const r = await t.a.patch(`/api/v1/customers/${id}`, body, { 'if-match': '"1"' });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    const same = await t.a.patch(`/api/v1/customers/${id}`, { name: 'Gus' }, { 'if-match': '"1"' });
    expect({ status: same.status, version: same.body.version }).toEqual({ status: 200, version: 1 });
    expect(await edits(id)).toEqual([]);
  });
});
