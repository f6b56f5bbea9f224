import { z } from '@hono/zod-openapi';
import { Cursor } from '../platform/pagination.ts';

// Notifications in the v1 contract, for both doors: the API answers with these shapes and the admin bell
// renders the same rows. A notification is one admin's: nothing here is ever shown to another admin or a key.

/** What can notify an admin (sql/0027_notifications.sql writes them). */
export const NOTIFICATION_KINDS = [
  'online_order', 'large_redemption', 'reconciliation_item', 'gift_card_sold', 'terminal_offline', 'listener_down',
  'webhook_disabled',
] as const;
/** Operations kinds: owners only, whatever a staff admin ticks. */
export const OWNER_ONLY_KINDS: readonly NotificationKind[] = ['listener_down', 'webhook_disabled'];
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How the preferences form names each kind. */
export const KIND_LABELS: Record<NotificationKind, string> = {
  online_order: 'A new online order',
  large_redemption: 'A points redemption of at least my threshold',
  reconciliation_item: 'A new reconciliation item',
  gift_card_sold: 'A gift card sold',
  terminal_offline: 'A terminal dropped off',
  listener_down: 'Live updates delayed (the event listener is down; owners only)',
  webhook_disabled: 'A webhook endpoint was disabled after failing for its retry horizon (owners only)',
};

export const Notification = z
  .object({
    id: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string(),
    body: z.string().nullable().optional(),
    link: z.string().nullable().optional().openapi({ description: 'Root-relative admin page about it' }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');
export type Notification = z.infer<typeof Notification>;

export const NotificationPage = z
  .object({
    data: z.array(Notification),
    unreadCount: z.number().int(),
    nextCursor: z.string().nullable(),
  })
  .openapi('NotificationPage');
export type NotificationPage = z.infer<typeof NotificationPage>;

export const NotificationListQuery = z.object({
  cursor: Cursor,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  unread: z.enum(['true', 'false']).optional().openapi({ description: 'true: unread ones only' }),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const ReadAllResult = z.object({ read: z.number().int(), unreadCount: z.literal(0) }).openapi('NotificationsReadAll');

export const Preferences = z
  .object({
    kinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length),
    sound: z.boolean(),
    redemptionThreshold: z.number().int().min(1, 'The threshold must be at least 1 point.').max(1_000_000_000, 'That threshold is too large.'),
  })
  .strict();
export type Preferences = z.infer<typeof Preferences>;

export const PreferencesBody = Preferences.openapi('NotificationPreferences');
/** PATCH: any of the fields; the rest stay as they were. */
export const PreferencesPatch = Preferences.partial().strict().openapi('NotificationPreferencesPatch');
export type PreferencesPatch = z.infer<typeof PreferencesPatch>;
