import { describe, expect, test } from 'bun:test';
import { renderAdminFragment, type AdminEvent, type FragmentContext } from '../../src/admin/fragments.tsx';

// The admin stream's payload is a pure function of the event: these tests read the HTML it makes.

const ctx: FragmentContext = {
  actorLabel: (a) => (a === 'admin:a1' ? 'ana@diner.test' : a ?? 'system'),
  currency: () => 'GBP',
};

const event = (type: string, data: any, id = 42): AdminEvent => ({
  tenantId: 't1', tenantSlug: 'alpha', id, type, data, actor: 'admin:a1', createdAt: '2025-10-18T15:00:00.000Z',
});

const loyalty = event('loyalty_updated', {
  customerId: 'c-1', customerPhone: '+447306506797', customerName: 'John Doe', pointsChange: -75, newBalance: 200,
  totalPointsEarned: 1225, totalPointsRedeemed: 1025, transactionType: 'redeem', reason: 'Redeemed for order #12345',
  orderId: 'o-9', transactionId: 'tx-1',
});

/** The fragment's out-of-band pieces as "style:#target": hx-swap-oob elements and <hx-partial>s. */
function pieces(html: string) {
  const oob = [...html.matchAll(/<(\w+) ([^>]*hx-swap-oob="([^"]+)"[^>]*)>/g)].map((m) => ({ tag: m[1], spec: m[3], attrs: m[2] }));
  const partials = [...html.matchAll(/<hx-partial hx-target="([^"]+)" hx-swap="([^"]+)">(<\w+ [^>]*>)/g)]
    .map((m) => ({ tag: 'hx-partial', spec: `${m[2]}:${m[1]}`, attrs: m[3] }));
  return [...oob, ...partials];
}

describe('admin fragment renderer', () => {
  test('loyalty_updated replaces the balance, earned and redeemed numbers by id, stamped with the event id', () => {
    const html = renderAdminFragment(loyalty, ctx);
    expect(html).toContain('<span id="pts-c-1" class="pts flash" data-seq="42" hx-swap-oob="true">200</span>');
    expect(html).toContain('<span id="earned-c-1" class="num flash" data-seq="42" hx-swap-oob="true">1,225</span>');
    expect(html).toContain('<span id="redeemed-c-1" class="num flash" data-seq="42" hx-swap-oob="true">1,025</span>');
  });

  test('loyalty_updated prepends a ledger row to that customer\'s ledger with who did it', () => {
    const html = renderAdminFragment(loyalty, ctx);
    const ledger = pieces(html).find((p) => p.spec === 'afterbegin:#ledger-c-1');
    expect(ledger).toBeDefined();
    expect(ledger!.attrs).toContain('data-seq="42"');
    expect(html).toContain('<tr id="tx-tx-1" class="flash" data-seq="42">');
    expect(html).toContain('\u221275');
    expect(html).toContain('Redeemed for order #12345');
    expect(html).toContain('ana@diner.test');
  });

  test('every event carries a toast, and a row for the unfiltered and the per-type activity feed', () => {
    const html = renderAdminFragment(loyalty, ctx);
    expect(html.startsWith('<!--ev:loyalty_updated-->')).toBe(true);
    const specs = pieces(html).map((p) => p.spec);
    expect(specs).toContain('beforeend:#toasts');
    expect(specs).toContain('afterbegin:#feed-all');
    expect(specs).toContain('afterbegin:#feed-loyalty_updated');
    expect(html).toContain('Points updated: John Doe \u221275');
    // The page hides toasts whose actor is its own admin.
    expect(html).toContain(`data-actor="${loyalty.actor}"`);
  });

  test('customer_created adds a row to the unfiltered customer list only', () => {
    const html = renderAdminFragment(event('customer_created', {
      customer: { id: 'c-2', phone: '+447306506701', name: 'Zed', email: null, pointsBalance: 0, totalPointsEarned: 0, totalPointsRedeemed: 0 },
    }, 7), ctx);
    expect(pieces(html).map((p) => p.spec)).toContain('afterbegin:#customers-new');
    expect(html).toContain('<tr id="cust-c-2" class="flash" data-seq="7">');
    expect(html).toContain('href="/alpha/admin/customers/c-2"');
    expect(html).toContain('New customer: Zed');
  });

  test('new_order puts a card that beeps into the New column', () => {
    const html = renderAdminFragment(event('new_order', {
      orderId: 'o-1', orderNumber: 'ORD-1001', source: 'online', status: 'pending', customerName: 'John', customerPhone: '+447306506797',
      orderType: 'delivery', totalCents: 1798, items: [{ name: 'Margherita', quantity: 2, unitPriceCents: 899, lineTotalCents: 1798 }],
      specialInstructions: 'Ring twice', createdAt: '2025-10-18T15:00:00.000Z',
    }), ctx);
    expect(pieces(html).map((p) => p.spec)).toContain('afterbegin:#col-pending');
    expect(html).toContain('data-beep="1"');
    expect(html).toContain('Margherita');
    expect(html).toContain('£17.98');
    expect(html).toContain('New online order ORD-1001 for John');
  });

  test('names and reasons are HTML-escaped', () => {
    const html = renderAdminFragment(event('loyalty_updated', {
      ...loyalty.data, customerName: '<img src=x onerror=alert(1)>', reason: '"><script>x</script>',
    }), ctx);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('an unknown event type still renders a toast and feed rows, and its marker is sanitised', () => {
    const html = renderAdminFragment(event('weird--type!', { a: 1 }), ctx);
    expect(html.startsWith('<!--ev:weirdtype-->')).toBe(true);
    expect(pieces(html).map((p) => p.spec)).toContain('beforeend:#toasts');
  });

  test('table rows travel inside <hx-partial> (a <template>), where the HTML parser keeps them', () => {
    const html = renderAdminFragment(loyalty, ctx);
    expect(html).not.toMatch(/<tbody[^>]*hx-swap-oob/);
    expect(html).toMatch(/<hx-partial hx-target="#ledger-c-1" hx-swap="afterbegin"><tr /);
  });

  test('gift_card_purchased heads the recently issued list with the masked code, stamped with the event id', () => {
    const html = renderAdminFragment(event('gift_card_purchased', {
      giftCardId: 'g-1', maskedCode: 'GC-****-****-****-7K3Q', initialCents: 2500, balanceCents: 2500, purchasedBy: 'Mum',
      recipientName: null, recipientEmail: null, expiresAt: null, activityId: 'a-1',
    }, 50), ctx);
    const recent = pieces(html).find((p) => p.spec === 'afterbegin:#recent-cards');
    expect(recent?.attrs).toContain('id="gc-row-g-1"');
    expect(recent?.attrs).toContain('data-seq="50"');
    expect(html).toContain('GC-****-****-****-7K3Q');
    expect(html).toContain('<span id="gc-recent-bal-g-1" data-seq="50">£25.00</span>');
  });

  test('gift_card_redeemed replaces the balance and status in the open panel and the list', () => {
    const change = { giftCardId: 'g-1', maskedCode: 'GC-****-****-****-7K3Q', status: 'active', amountCents: -700, balanceCents: 1800, orderId: null, activityId: 'a-2' };
    const specs = pieces(renderAdminFragment(event('gift_card_redeemed', { ...change, activityType: 'redeem' }, 51), ctx));
    for (const id of ['gc-panel-bal-g-1', 'gc-panel-status-g-1', 'gc-recent-bal-g-1', 'gc-recent-status-g-1']) {
      const piece = specs.find((p) => p.attrs.includes(`id="${id}"`));
      expect(piece?.spec).toBe('true');
      expect(piece?.attrs).toContain('data-seq="51"');
    }
    // Still active: the panel keeps its redeem and void buttons.
    expect(specs.some((p) => p.attrs.includes('gc-panel-actions-g-1'))).toBe(false);
    // Voided: the panel's actions are emptied.
    const voided = renderAdminFragment(event('gift_card_updated', { ...change, status: 'void', amountCents: -1800, balanceCents: 0, activityType: 'void' }, 52), ctx);
    expect(voided).toContain('<div id="gc-panel-actions-g-1" data-seq="52" hx-swap-oob="true"></div>');
    expect(voided).toContain('>void</span>');
  });

  test('settings_updated sends the settings form with the new values, who changed them, and the event id', () => {
    const html = renderAdminFragment(event('settings_updated', {
      slug: 'alpha', name: 'Alpha Diner', currency: 'GBP', defaultCountry: 'GB', earnPointsPerUnit: 2, earnMinOrderCents: 500, pointValueCents: 1,
    }, 53), ctx);
    const form = pieces(html).find((p) => p.attrs.includes('id="settings-form"'));
    expect(form?.spec).toBe('true');
    expect(form?.attrs).toContain('data-seq="53"');
    expect(form?.attrs).toContain('data-keep-edits');
    expect(html).toMatch(/id="set-earnPointsPerUnit"[^>]*value="2"/);
    expect(html).toMatch(/id="set-earnMinOrderCents"[^>]*value="5.00"/);
    expect(html).toContain('Settings changed by ana@diner.test.');
  });

  test('the same event renders the same bytes every time (rendered once, sent to everyone)', () => {
    expect(renderAdminFragment(loyalty, ctx)).toBe(renderAdminFragment(loyalty, ctx));
  });
});
