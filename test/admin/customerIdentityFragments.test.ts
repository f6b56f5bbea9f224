import { describe, expect, test } from 'bun:test';
import { type AdminEvent, renderAdminFragment } from '../../src/admin/fragments.tsx';

// The pieces that keep a customer's name, phone and email live wherever they show (the customer page's
// heading and summary, the list's row): pure rendering, no I/O.

const event = (type: string, data: any): AdminEvent => ({
  tenantId: 't1', tenantSlug: 'alpha', id: 9, type, data, actor: 'admin:a1', createdAt: '2026-11-30T12:00:00.000Z',
});
const customer = {
  id: 'c-1', phone: '+447306500001', name: 'Ann <New>', email: 'ann@example.test', birthday: null, marketingOptIn: false,
  note: null, version: 2, pointsBalance: 5, totalPointsEarned: 5, totalPointsRedeemed: 0, createdAt: '', updatedAt: '',
};

describe("a customer's identity follows its events", () => {
  test('customer_updated swaps the heading, phone and email (stamped with the event id) and the list row, escaped', () => {
    const html = renderAdminFragment(event('customer_updated', { customer, changes: { name: { from: 'Ann', to: 'Ann <New>' } }, actor: 'admin:a1' }));
    expect(html).toContain('<span id="customer-title-c-1" data-seq="9" data-doc-title="" class="flash" hx-swap-oob="true">Ann &lt;New&gt;</span>');
    expect(html).toContain('<span id="customer-phone-c-1" class="mono flash" data-seq="9" hx-swap-oob="true">+447306500001</span>');
    expect(html).toContain('<span id="customer-email-c-1" class="flash" data-seq="9" hx-swap-oob="true">ann@example.test</span>');
    expect(html).toContain('<hx-partial hx-target="#cust-c-1 th a" hx-swap="innerHTML">Ann &lt;New&gt;</hx-partial>');
  });

  test("customer_merged refreshes the survivor's heading; customer_erased blanks the customer's and its merged duplicates'", () => {
    const merged = renderAdminFragment(event('customer_merged', { customerId: 'c-1', duplicateId: 'c-2', pointsMoved: 3, customer }));
    expect(merged).toContain('id="customer-email-c-1"');
    expect(merged).not.toContain('id="customer-title-c-2"');
    const erased = renderAdminFragment(event('customer_erased', { customerId: 'c-1', mergedIds: ['c-2'] }));
    for (const id of ['c-1', 'c-2']) {
      expect(erased).toContain(`<span id="customer-title-${id}" data-seq="9" data-doc-title="" class="flash" hx-swap-oob="true">Erased customer</span>`);
      expect(erased).toContain(`<span id="customer-phone-${id}" class="mono flash" data-seq="9" hx-swap-oob="true">—</span>`);
    }
  });
});
