import { describe, expect, test } from 'bun:test';
import { renderAdminFragment, type AdminEvent } from '../../src/admin/fragments.tsx';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { enrol, expectInvariants } from '../support/fixtures.ts';

// The customer page's merge flow (suggest likely duplicates, merge with a confirmation) and the owners'
// Erase button, through the admin door; and the live pieces their events send.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
await createAdmin(t.sql, t.tenantA.id, 'staff@alpha.test', 'staff password', 'staff');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const staff = await signIn(t.app, 'alpha', 'staff@alpha.test', 'staff password');

const event = (type: string, data: any): AdminEvent => ({
  tenantId: 't1', tenantSlug: 'alpha', id: 7, type, data, actor: 'admin:a1', createdAt: '2025-10-18T15:00:00.000Z',
});

describe('merging from the customer page', () => {
  test('suggests the same email, and the same name with a similar phone, but not a namesake with another number; merging moves the points', async () => {
    const ann = await t.a.post('/api/v1/customers', { phone: '+447306800001', name: 'Ann Twice', email: 'ann.twice@example.com' });
    const byEmail = await t.a.post('/api/v1/customers', { phone: '+447999111222', name: 'A. Twice', email: 'Ann.Twice@example.com' });
    const byPhone = await enrol(t.a, '+447306800002', 40, 'ann twice');
    const namesake = await enrol(t.a, '+447123456789', 0, 'Ann Twice');

    const page = await (await owner.get(`/customers/${ann.body.id}`)).text();
    expect(page).toContain('Find likely duplicates');
    const found = await owner.get(`/customers/${ann.body.id}/duplicates`);
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain(byEmail.body.id);
    expect(html).toContain(byPhone.id);
    expect(html).not.toContain(namesake.id);
    expect(html).toContain('hx-confirm=');

    const merged = await owner.post(`/customers/${ann.body.id}/merge`, { duplicateId: byPhone.id });
    expect(merged.status).toBe(200);
    expect(await merged.text()).toContain('Merged. Balance now 40 points.');
    const [row] = await t.sql`select merged_into from customers where id = ${byPhone.id}`;
    expect(row.merged_into).toBe(ann.body.id);
    await expectInvariants(t.sql);

    const again = await owner.post(`/customers/${ann.body.id}/merge`, { duplicateId: byPhone.id });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already merged');
  });

  test('staff may not merge, and see no Erase button; the owner does, and erasing needs the confirmation field', async () => {
    const a = await enrol(t.a, '+447306800011', 10, 'Staff Probe');
    const b = await enrol(t.a, '+447306800012', 10, 'Staff Probe');
    expect((await staff.post(`/customers/${a.id}/merge`, { duplicateId: b.id })).status).toBe(403);
    expect(await (await staff.get(`/customers/${a.id}`)).text()).not.toContain('Erase customer');
    expect(await (await owner.get(`/customers/${a.id}`)).text()).toContain('Erase customer');

    const unconfirmed = await owner.post(`/customers/${a.id}/erase`, {});
    expect(unconfirmed.status).toBe(422);
    expect((await t.sql`select name from customers where id = ${a.id}`)[0].name).toBe('Staff Probe');
    const erased = await owner.post(`/customers/${a.id}/erase`, { confirm: 'erase' });
    expect(erased.status).toBe(200);
    expect(await erased.text()).toContain('Erased.');
    expect((await t.sql`select name, phone from customers where id = ${a.id}`)[0]).toEqual({ name: null, phone: null });
    expect(await (await owner.get(`/customers/${a.id}`)).text()).toContain('This customer was erased');
  });
});

describe('live pieces', () => {
  test('customer_erased blanks the row on every list and removes its merged duplicates; customer_merged removes the duplicate', () => {
    const erased = renderAdminFragment(event('customer_erased', { customerId: 'c-1', mergedIds: ['c-2'] }));
    expect(erased).toContain('<hx-partial hx-target="#cust-c-1 th a" hx-swap="innerHTML">Erased customer</hx-partial>');
    expect(erased).toContain('<hx-partial hx-target="#cust-c-2" hx-swap="delete"></hx-partial>');
    expect(erased).toContain('A customer was erased on request');
    const merged = renderAdminFragment(event('customer_merged', { customerId: 'c-1', duplicateId: 'c-3', pointsMoved: 5, customer: { name: 'Ann' } }));
    expect(merged).toContain('<hx-partial hx-target="#cust-c-3" hx-swap="delete"></hx-partial>');
    expect(merged).toContain('Customers merged: Ann (5 points moved)');
  });
});
