import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { Settings, SettingsPatch } from './schemas.ts';
import { getSettings, updateSettings } from './settings.ts';
import { changingCredentials } from '../identity/credentialChanges.ts';

const tags = ['Settings'];

const get = createRoute({
  method: 'get', path: '/settings', tags, security, summary: "The caller's tenant settings",
  responses: { 200: json(Settings, 'Settings'), ...problems(401, 403) },
});
const patch = createRoute({
  method: 'patch', path: '/settings', tags, security,
  summary: 'Change the earn rule, point value, currency, default phone country or time zone (owners and API keys; not staff)',
  request: { headers: IdempotencyHeader, body: jsonBody(SettingsPatch) },
  responses: { 200: json(Settings, 'Settings after the change'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

export function settingsRoutes(deps: Deps) {
  return newRouter()
    .openapi(get, async (c) => c.json(await getSettings(deps.sql, c.get('caller')), 200))
    .openapi(patch, async (c) => {
      const body = c.req.valid('json');
      // Cached credentials carry some settings: forgotten here once the change commits.
      return changingCredentials(() => idempotent(c, deps, body, async (tx) => ({ status: 200, body: await updateSettings(tx, c.get('caller'), body) })));
    });
}
