import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems } from '../platform/openapi.ts';
import { deleteNotification, listNotifications, markAllRead, markRead, preferencesOf, savePreferences } from './notifications.ts';
import { Notification, NotificationListQuery, NotificationPage, PreferencesBody, PreferencesPatch, ReadAllResult } from './schemas.ts';

// The notification centre over the API, for integrators building their own back office. Scoped to an
// admin session (the `ts_session` cookie, plus X-CSRF-Token on writes): notifications, their read state
// and preferences are one admin's, and an API key has no admin behind it, so a key gets 403 forbidden.

const tags = ['Notifications'];
/** The admin session cookie (registered in src/app.ts as `session`). */
const security = [{ session: [] }];

const list = createRoute({
  method: 'get', path: '/notifications', tags, security,
  summary: "The signed-in admin's notifications, newest first (keyset paged), with their unread count",
  request: { query: NotificationListQuery },
  responses: { 200: json(NotificationPage, 'A page of notifications'), ...problems(400, 401, 403) },
});
const read = createRoute({
  method: 'post', path: '/notifications/{id}/read', tags, security, summary: 'Mark one notification read (every open tab of this admin follows)',
  request: { params: IdParam, headers: IdempotencyHeader },
  responses: { 200: json(Notification, 'The notification, read'), ...problems(400, 401, 403, 404, 409, 422) },
});
const readAll = createRoute({
  method: 'post', path: '/notifications/read-all', tags, security, summary: "Mark all the admin's notifications read",
  request: { headers: IdempotencyHeader },
  responses: { 200: json(ReadAllResult, 'How many were unread'), ...problems(400, 401, 403, 409, 422) },
});
const remove = createRoute({
  method: 'delete', path: '/notifications/{id}', tags, security, summary: 'Delete one notification',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404) },
});

const prefs = createRoute({
  method: 'get', path: '/notifications/preferences', tags, security, summary: 'Which kinds notify the signed-in admin, sound, and their redemption threshold',
  responses: { 200: json(PreferencesBody, 'Their preferences (their role\'s defaults until they save)'), ...problems(401, 403) },
});
const setPrefs = createRoute({
  method: 'patch', path: '/notifications/preferences', tags, security, summary: 'Change any of them; the rest stay',
  request: { body: jsonBody(PreferencesPatch) },
  responses: { 200: json(PreferencesBody, 'Their preferences now'), ...problems(400, 401, 403, 413, 415) },
});

export function notificationRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(list, async (c) => c.json(await listNotifications(sql, c.get('caller'), c.req.valid('query')), 200))
    .openapi(prefs, async (c) => c.json(await preferencesOf(sql, c.get('caller')), 200))
    .openapi(setPrefs, async (c) => {
      const caller = c.get('caller');
      const patch = c.req.valid('json');
      return c.json(await sql.begin(async (tx) => savePreferences(tx, caller, { ...(await preferencesOf(tx, caller)), ...patch })), 200);
    })
    .openapi(readAll, async (c) => idempotent(c, deps, {}, async (tx) => ({ status: 200, body: await markAllRead(tx, c.get('caller')) })))
    .openapi(read, async (c) => {
      const { id } = c.req.valid('param');
      return idempotent(c, deps, {}, async (tx) => ({ status: 200, body: await markRead(tx, c.get('caller'), id) }));
    })
    .openapi(remove, async (c) => {
      await deleteNotification(sql, c.get('caller'), c.req.valid('param').id);
      return c.body(null, 204);
    });
}

