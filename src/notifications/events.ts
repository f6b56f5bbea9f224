import { z } from '@hono/zod-openapi';
import { Notification } from './schemas.ts';

// The personal events of the notification centre (sql/0027_notifications.sql emits them in the
// transaction that writes, reads or deletes a notification). Each names one admin in `adminId`, and
// src/realtime/reach.ts lets only that admin's session streams receive it: never another admin's, never
// an API key's, and never GET /api/v1/events or the Activity feed. The bell, its toasts and the badge
// of every open tab of that admin follow them.

export const NotificationCreated = z
  .object({
    adminId: z.string(),
    notification: Notification,
    unreadCount: z.number().int().describe("The admin's unread count with this one"),
    causeEventId: z.string().nullable().describe('The event that caused it (an order, a redemption, a sale); null for the others'),
  })
  .strict()
  .describe('A notification for one admin (their own session streams only).');

export const NotificationsRead = z
  .object({
    adminId: z.string(),
    ids: z.array(z.string()).nullable().describe('The notifications read or deleted; null: all of them (read-all)'),
    deleted: z.boolean(),
    unreadCount: z.number().int(),
  })
  .strict()
  .describe("One admin read or deleted notifications, in any tab or device (their own session streams only).");

export const notificationEventCatalogue = {
  notification_created: NotificationCreated,
  notifications_read: NotificationsRead,
};

/** Event types addressed to one admin (data.adminId): see reach.ts. */
export const PERSONAL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(notificationEventCatalogue));
