import { money, signed } from './format.ts';

// One sentence per event, used by toasts and the activity feed alike.

export type EventLike = { type: string; data: any };

const orderRef = (d: any) => (d?.orderNumber != null ? String(d.orderNumber) : 'an order');
const who = (d: any) => d?.customerName || d?.customerPhone || 'a customer';

export function describe(e: EventLike, currency = 'GBP'): string {
  const d = e.data ?? {};
  switch (e.type) {
    case 'loyalty_updated':
      return `${d.transactionType === 'expire' ? 'Points expired' : 'Points updated'}: ${who(d)} ${signed(Number(d.pointsChange) || 0)}`;
    case 'customer_created':
      return `New customer: ${d.customer?.name || d.customer?.phone || 'unnamed'}`;
    case 'customer_updated': {
      const fields = Object.keys(d.changes ?? {}).map((f) => (f === 'marketingOptIn' ? 'marketing opt-in' : f));
      return `Customer edited: ${d.customer?.name || d.customer?.phone || 'unnamed'}${fields.length ? ` (${fields.join(', ')})` : ''}`;
    }
    case 'settings_updated':
      return 'Settings updated';
    case 'customer_merged':
      return `Customers merged: ${d.customer?.name || d.customer?.phone || 'a customer'} (${Number(d.pointsMoved) || 0} points moved)`;
    case 'customer_erased':
      return 'A customer was erased on request';
    case 'new_order':
      return `New ${d.source === 'online' ? 'online ' : ''}order ${orderRef(d)}${d.customerName ? ` for ${d.customerName}` : ''}`
        + (typeof d.totalCents === 'number' ? ` · ${money(d.totalCents, currency)}` : '');
    case 'order_updated':
      return `Order ${orderRef(d)}: ${d.previousStatus ?? '?'} → ${d.status ?? '?'}`;
    case 'gift_card_purchased': {
      const cents = d.initialCents ?? d.amountCents ?? d.giftCard?.initialCents;
      return `Gift card issued${typeof cents === 'number' ? `: ${money(cents, currency)}` : ''}`;
    }
    case 'gift_card_redeemed': {
      const cents = d.amountCents;
      return `Gift card redeemed${typeof cents === 'number' ? `: ${money(Math.abs(cents), currency)}` : ''}`;
    }
    case 'gift_card_updated': {
      const what = d.activityType === 'void' || d.status === 'void' ? 'voided' : d.activityType === 'refund' ? 'refunded' : 'updated';
      return `Gift card ${d.maskedCode ?? ''} ${what}`.replace(/\s+/g, ' ')
        + (typeof d.amountCents === 'number' && d.amountCents !== 0 ? `: ${money(Math.abs(d.amountCents), currency)}` : '');
    }
    case 'reconciliation_resolved':
      return `Reconciliation resolved: ${String(d.kind ?? '').replace(/_/g, ' ')}`;
    // The team's events reach owners only (src/realtime/reach.ts hiddenFrom).
    case 'admin_created':
      return `Admin added: ${d.admin?.email ?? 'someone'} (${d.admin?.role ?? 'staff'})`;
    case 'admin_deactivated':
      return `Admin deactivated: ${d.admin?.email ?? 'someone'}`;
    case 'admin_updated':
      return `Admin ${d.admin?.email ?? 'someone'}: ${TEAM_CHANGE[d.change as string] ?? 'changed'}`;
    case 'webhook_disabled':
      return `Webhook disabled after failing for the retry horizon: ${d.url ?? 'an endpoint'} (${d.reason ?? 'failing'})`;
    default:
      return e.type.replace(/_/g, ' ');
  }
}

const TEAM_CHANGE: Record<string, string> = {
  role: 'role changed', password_reset: 'password reset', password_changed: 'password changed',
  reactivated: 'reactivated', location: 'site limit changed',
};
