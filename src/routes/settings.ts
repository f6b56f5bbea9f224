import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import { json, jsonBody, newRouter, problems, security } from '../openapi.ts';
import { getCountries } from 'libphonenumber-js';

const tags = ['Settings'];
const COUNTRIES = new Set<string>(getCountries());

export const Settings = z
  .object({
    slug: z.string(),
    name: z.string(),
    currency: z.string().openapi({ example: 'GBP' }),
    defaultCountry: z.string().openapi({ description: 'ISO 3166 country for national phone numbers', example: 'GB' }),
    earnPointsPerUnit: z.number().openapi({ description: 'Points per whole currency unit of an order total' }),
    earnMinOrderCents: z.number().int().openapi({ description: 'Orders below this total earn nothing' }),
    pointValueCents: z.number().int().openapi({ description: 'What one point is worth at checkout, in minor units' }),
    updatedAt: z.string(),
  })
  .openapi('Settings');

const SettingsPatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'),
    defaultCountry: z.string().refine((c) => COUNTRIES.has(c), 'an ISO 3166 alpha-2 code such as GB'),
    earnPointsPerUnit: z.number().min(0).max(1000).multipleOf(0.0001),
    earnMinOrderCents: z.number().int().min(0).max(100_000_000),
    pointValueCents: z.number().int().min(1).max(100_000),
  })
  .partial()
  .strict()
  .openapi('SettingsPatch');

const get = createRoute({
  method: 'get', path: '/settings', tags, security, summary: "The caller's tenant settings",
  responses: { 200: json(Settings, 'Settings'), ...problems(401) },
});
const patch = createRoute({
  method: 'patch', path: '/settings', tags, security, summary: 'Change the earn rule, point value, currency or default phone country',
  request: { body: jsonBody(SettingsPatch) },
  responses: { 200: json(Settings, 'Settings after the change'), ...problems(400, 401, 413) },
});

export function settingsRoutes(deps: Deps) {
  return newRouter()
    .openapi(get, async (c) => {
      const [row] = await deps.sql`select tenant_settings_json(t) as s from tenants t where id = ${c.get('caller').tenantId}`;
      return c.json(row.s, 200);
    })
    .openapi(patch, async (c) => {
      const body = c.req.valid('json');
      if (Object.keys(body).length === 0) throw new ApiError(400, 'validation_failed', 'Send at least one setting to change.');
      const { tenantId, actor } = c.get('caller');
      return idempotent(c, deps, body, async (tx) => {
        const [{ s }] = await tx`select settings_update(${tenantId}, ${tx.json(body)}, ${actor}) as s`;
        return { status: 200, body: s };
      }) as never;
    });
}
