import { ActivityRow, feedId } from '../../views/activity.tsx';
import { NumbersOob } from '../../views/customers/balance.tsx';
import { expiryHref, expiryRegionId } from '../../views/customers/expiry.tsx';
import { LedgerRow, ledgerBodyId } from '../../views/customers/detail.tsx';
import { IdentityOob, RowIdentityOob, erasedIdentity } from '../../views/customers/heading.tsx';
import { CustomerEditForm, HistoryRow, historyBodyId, valuesOf } from '../../views/customers/edit.tsx';
import { CustomerRow } from '../../views/customers/list.tsx';
import { ErasedOob, MergedOob } from '../../views/customers/mergeErase.tsx';
import { CardChangeOob, RecentCardRow, recentCardsId } from '../../views/giftCards.tsx';
import { SettingsForm, settingsValues } from '../../views/settings.tsx';
import { describe } from '../../views/shell/describe.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { OrderCardOob } from '../../views/orders.tsx';
import { posRewardsHref, posRewardsId, progressHref, progressId } from '../../views/rewards.tsx';
import { Tick } from '../../views/shell/liveRegion.tsx';
import { Prepend } from '../../views/shell/prepend.tsx';
import { ToastOob } from '../../views/shell/toast.tsx';
import type { OutboxEvent } from '../realtime/envelope.ts';
import { PERSONAL_EVENT_TYPES } from '../notifications/events.ts';
import { BellCount } from '../../views/notifications.tsx';

// The admin stream's payload: one event → one HTML string of out-of-band swaps, rendered once and
// written as the same bytes to every admin page of the tenant. Each piece targets an element id that
// only some pages have (a balance, a ledger body, a feed); htmx ignores pieces with no target, so one
// fragment serves every page. Pure: no I/O, so it is tested directly and is cheap to call per event.

/** The shape the realtime hub hands a format renderer: one committed outbox row. */
export type AdminEvent = OutboxEvent;

export type FragmentContext = {
  /** A readable name for events.actor ("ana@diner.test", "API key pos-1"). */
  actorLabel: (actor: string | null, tenantId: string) => string;
  currency: (tenantId: string) => string;
  /** The tenant's zone (settings `timezone`), so a live row's time reads as the page's rows do; UTC when absent. */
  timeZone?: (tenantId: string) => string;
};

export const plainContext: FragmentContext = {
  actorLabel: (a) => a ?? 'system',
  currency: () => 'GBP',
};

/** A marker the page script reads to learn the event's type (messages are unnamed so htmx swaps them). */
export const typeMarker = (type: string) => `<!--ev:${type.replace(/[^a-z0-9_]/gi, '')}-->`;

export function renderAdminFragment(e: AdminEvent, ctx: FragmentContext = plainContext): string {
  const base = adminBase(e.tenantSlug);
  const tz = ctx.timeZone?.(e.tenantId) ?? 'UTC';
  const actor = ctx.actorLabel(e.actor, e.tenantId);
  const text = describe(e, ctx.currency(e.tenantId));
  const activity = { id: e.id, type: e.type, text, actor, createdAt: e.createdAt };
  const d = e.data ?? {};
  // One admin's own events (only their streams receive them, reach.ts): the bell, never the feed.
  if (PERSONAL_EVENT_TYPES.has(e.type)) return typeMarker(e.type) + notificationFragment(e).toString();

  let specific: unknown = null;
  switch (e.type) {
    case 'loyalty_updated': {
      specific = (
        <>
          <NumbersOob seq={e.id} n={{
            customerId: d.customerId, pointsBalance: d.newBalance,
            totalPointsEarned: d.totalPointsEarned, totalPointsRedeemed: d.totalPointsRedeemed,
          }} />
          <Prepend target={ledgerBodyId(d.customerId)}>
            <LedgerRow tz={tz} fresh seq={e.id} l={{
              id: d.transactionId ?? `ev${e.id}`, type: d.transactionType, points: d.pointsChange,
              balanceAfter: d.newBalance, reason: d.reason ?? null, orderId: d.orderId ?? null,
              createdAt: e.createdAt, actor, rewardId: d.rewardId ?? null,
            }} />
          </Prepend>
          {/* What the event cannot redraw itself (it needs the rewards menu, the expiry replay): re-read. */}
          <Tick region={progressId(d.customerId)} href={progressHref(base, d.customerId)} seq={e.id} />
          <Tick region={expiryRegionId(d.customerId)} href={expiryHref(base, d.customerId)} seq={e.id} />
          <Tick region={posRewardsId(d.customerId)} href={posRewardsHref(base, d.customerId)} seq={e.id} />
        </>
      );
      break;
    }
    case 'customer_created': {
      const c = d.customer;
      if (c?.id) {
        specific = (
          <Prepend target="customers-new">
            <CustomerRow c={c} seq={e.id} base={base} fresh />
          </Prepend>
        );
      }
      break;
    }
    case 'customer_merged':
      // The survivor's page shows what it gained (an email, a phone kept from the duplicate).
      if (d.duplicateId) specific = <><MergedOob duplicateId={d.duplicateId} />{d.customer?.id ? <IdentityOob c={d.customer} seq={e.id} /> : null}</>;
      break;
    case 'customer_erased':
      if (d.customerId) {
        specific = <>
          <ErasedOob customerId={d.customerId} mergedIds={d.mergedIds ?? []} seq={e.id} />
          {[d.customerId, ...(d.mergedIds ?? [])].map((id: string) => <IdentityOob c={erasedIdentity(id)} seq={e.id} />)}
        </>;
      }
      break;
    case 'customer_updated': {
      // An open, untouched edit form takes the new values; one being typed in keeps them (admin.js).
      const c = d.customer;
      if (c?.id) {
        specific = (
          <>
            <IdentityOob c={c} seq={e.id} />
            <RowIdentityOob c={c} />
            <CustomerEditForm oob base={base} customerId={c.id} version={c.version} seq={e.id} values={valuesOf(c)} orig={valuesOf(c)} />
            <Prepend target={historyBodyId(c.id)}>
              <HistoryRow tz={tz} fresh seq={e.id} h={{ id: `ev${e.id}`, createdAt: e.createdAt, actor, changes: d.changes ?? {} }} />
            </Prepend>
          </>
        );
      }
      break;
    }
    case 'new_order':
      if (d.orderId) specific = <OrderCardOob tz={tz} seq={e.id} base={base} currency={ctx.currency(e.tenantId)} order={d} />;
      break;
    case 'gift_card_purchased':
      specific = (
        <Prepend target={recentCardsId}>
          <RecentCardRow fresh seq={e.id} currency={ctx.currency(e.tenantId)} g={{
            id: d.giftCardId, maskedCode: d.maskedCode, status: 'active', initialCents: d.initialCents,
            balanceCents: d.balanceCents, purchasedBy: d.purchasedBy, createdAt: e.createdAt,
          }} />
        </Prepend>
      );
      break;
    case 'gift_card_redeemed':
    case 'gift_card_updated':
      specific = <CardChangeOob giftCardId={d.giftCardId} balanceCents={d.balanceCents} status={d.status} seq={e.id} currency={ctx.currency(e.tenantId)} />;
      break;
    case 'settings_updated':
      specific = <SettingsForm oob base={base} seq={e.id} state={{ values: settingsValues(d), message: `Settings changed by ${actor}.` }} />;
      break;
  }

  const html = (
    <>
      <ToastOob text={text} seq={e.id} actor={e.actor} kind={e.type === 'new_order' ? 'order' : undefined} />
      <Prepend target={feedId(null)}><ActivityRow tz={tz} a={activity} seq={e.id} fresh /></Prepend>
      <Prepend target={feedId(e.type)}><ActivityRow tz={tz} a={activity} seq={e.id} fresh /></Prepend>
      {specific}
    </>
  );
  return typeMarker(e.type) + html.toString();
}

/**
 * notification_created: the badge and a toast (data-notify marks it for the page script's sound, when
 * this admin has sound on); notifications_read: the badge. An open panel re-reads itself on either (admin.js).
 */
function notificationFragment(e: AdminEvent) {
  const d = e.data ?? {};
  const unread = Number(d.unreadCount ?? 0);
  if (e.type !== 'notification_created') return <BellCount unread={unread} seq={e.id} oob />;
  const n = d.notification ?? {};
  return (
    <>
      <BellCount unread={unread} seq={e.id} oob />
      <div hx-swap-oob="beforeend:#toasts" data-seq={String(e.id)}>
        <div class={`toast notify ${n.kind === 'online_order' ? 'order' : ''}`} role="status" data-notify={n.kind ?? ''}
          data-cause={d.causeEventId ?? ''}>
          {n.link ? <a href={n.link}>{n.title}</a> : n.title}{n.body ? <span class="toast-body">{n.body}</span> : null}
        </div>
      </div>
    </>
  );
}
