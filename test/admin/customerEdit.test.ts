import { describe, expect, test } from 'bun:test';
import { renderAdminFragment } from '../../src/admin/fragments.tsx';
import { createAdmin, signIn } from '../support/admin.ts';
import { testApp } from '../support/app.ts';
import { enrol, lastEventId } from '../support/fixtures.ts';

// The customer page's edit form over HTTP: what a save sends, how a save meets another admin's, and the
// live fragment that refreshes an open form. The two-browser version is customerEditBrowser.test.ts.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'ana@alpha.test', 'ana password');
const ana = await signIn(t.app, 'alpha', 'ana@alpha.test', 'ana password');

/** The form as the page rendered it at version 1 for a customer enrolled as `name`, with `typed` changed. */
const form = (name: string, phone: string, typed: Record<string, string>) => ({
  version: '1', orig_name: name, orig_phone: phone, orig_email: '', orig_birthday: '', orig_marketingOptIn: 'false', orig_note: '',
  name, phone, email: '', birthday: '', note: '', ...typed,
});
const row = async (id: string) => (await t.sql`select name, note, marketing_opt_in, version from customers where id = ${id}`)[0];

describe('the customer edit form', () => {
  test('the customer page shows the form at its version and the edit history with who did what', async () => {
    const { id } = await enrol(t.a, '+447306513001', 0, 'Hal');
    expect((await t.a.patch(`/api/v1/customers/${id}`, { name: 'Hal Jordan' }, { 'if-match': '"1"' })).status).toBe(200);
    const html = await (await ana.get(`/customers/${id}`)).text();
    expect(html).toContain(`<form id="edit-${id}"`);
    expect(html).toContain('<input type="hidden" name="version" value="2"/>');
    const history = html.slice(html.indexOf(`<tbody id="history-${id}"`));
    expect(history).toContain('API key default');
    expect(history).toMatch(/Name:<\/span> Hal → Hal Jordan/);
  });

  test('saving sends only the fields changed; a save after another admin changed other fields lands on top of theirs', async () => {
    const { id } = await enrol(t.a, '+447306513010', 0, 'Ivy');
    expect((await t.a.patch(`/api/v1/customers/${id}`, { name: 'Ivy Other' }, { 'if-match': '"1"' })).status).toBe(200);
    const r = await ana.post(`/customers/${id}/edit`, form('Ivy', '+447306513010', { note: 'Window seat', marketingOptIn: 'true' }));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Saved.');
    expect(await row(id)).toEqual({ name: 'Ivy Other', note: 'Window seat', marketing_opt_in: true, version: 3 });
    const [last] = await t.sql`select changes, actor from customer_edits where customer_id = ${id} order by seq desc limit 1`;
    expect(last.changes).toEqual({ note: { from: null, to: 'Window seat' }, marketingOptIn: { from: false, to: true } });
    expect(last.actor).toStartWith('admin:');
  });

  test('the same field changed by both is a 409 conflict view with both values, changing nothing; overwrite then saves mine', async () => {
    const { id } = await enrol(t.a, '+447306513020', 0, 'Jo');
    expect((await t.a.patch(`/api/v1/customers/${id}`, { name: 'Jo Theirs' }, { 'if-match': '"1"' })).status).toBe(200);
    const before = await lastEventId(t.sql, t.tenantA.id);
    const r = await ana.post(`/customers/${id}/edit`, form('Jo', '+447306513020', { name: 'Jo Mine' }));
    expect(r.status).toBe(409);
    const html = await r.text();
    expect(html).toContain('saved this customer while you were editing');
    expect(html).toMatch(/<td class="theirs">Jo Theirs<\/td><td class="mine">Jo Mine<\/td>/);
    expect(await row(id)).toMatchObject({ name: 'Jo Theirs', version: 2 });
    expect(await lastEventId(t.sql, t.tenantA.id)).toBe(before);
    // "Overwrite with mine" submits the conflict form: based on their version, with their values as the original.
    const overwrite = await ana.post(`/customers/${id}/edit`, { ...form('Jo Theirs', '+447306513020', { name: 'Jo Mine' }), version: '2' });
    expect(overwrite.status).toBe(200);
    expect(await row(id)).toMatchObject({ name: 'Jo Mine', version: 3 });
  });

  test('a blank phone or a phone another customer has is refused inline and nothing changes', async () => {
    const { id } = await enrol(t.a, '+447306513030', 0, 'Kit');
    await enrol(t.a, '+447306513031', 0, 'Lou');
    const blank = await ana.post(`/customers/${id}/edit`, form('Kit', '+447306513030', { phone: '' }));
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('Enter a phone number.');
    const taken = await ana.post(`/customers/${id}/edit`, form('Kit', '+447306513030', { phone: '07306 513031' }));
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('Another customer already has phone +447306513031.');
    expect(await row(id)).toMatchObject({ name: 'Kit', version: 1 });
  });

  test('customer_updated re-sends the edit form out of band with the new values, and prepends the history row', () => {
    const customer = { id: 'c-1', phone: '+447306513040', name: 'Mo', email: null, birthday: '1990-04-01', marketingOptIn: true, note: null, version: 5 };
    const html = renderAdminFragment({
      tenantId: 't1', tenantSlug: 'alpha', id: 77, type: 'customer_updated', actor: 'admin:a1', createdAt: '2025-10-18T15:00:00.000Z',
      data: { customer, changes: { name: { from: 'Moe', to: 'Mo' } }, actor: 'admin:a1' },
    });
    expect(html).toMatch(/<form id="edit-c-1"[^>]*data-seq="77" data-keep-edits[^>]*hx-swap-oob="true"/);
    expect(html).toContain('<input type="hidden" name="version" value="5"/>');
    expect(html).toContain('<hx-partial hx-target="#history-c-1" hx-swap="afterbegin">');
    expect(html).toContain('Customer edited: Mo (name)');
  });
});
