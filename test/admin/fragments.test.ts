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

  test('the same event renders the same bytes every time (rendered once, sent to everyone)', () => {
    expect(renderAdminFragment(loyalty, ctx)).toBe(renderAdminFragment(loyalty, ctx));
  });
});
