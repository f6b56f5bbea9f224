import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { createLocation, getLocation, listLocations, updateLocation } from './locations.ts';
import { Location, LocationCreate, LocationList, LocationPatch } from './schemas.ts';

const tags = ['Locations'];

const list = createRoute({
  method: 'get', path: '/locations', tags, security, summary: "The group's locations (sites), active first",
  responses: { 200: json(LocationList, 'Every location, archived ones last'), ...problems(401, 403) },
});
const create = createRoute({
  method: 'post', path: '/locations', tags, security, summary: 'Add a location (owners and tenant-wide keys)',
  request: { headers: IdempotencyHeader, body: jsonBody(LocationCreate) },
  responses: { 201: json(Location, 'Created'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});
const get = createRoute({
  method: 'get', path: '/locations/{id}', tags, security, summary: 'A location',
  request: { params: IdParam },
  responses: { 200: json(Location, 'The location'), ...problems(400, 401, 403, 404) },
});
const patch = createRoute({
  method: 'patch', path: '/locations/{id}', tags, security,
  summary: 'Rename, re-code, change its time zone, or archive (`archived: true`: no new writes, history kept)',
  request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(LocationPatch) },
  responses: { 200: json(Location, 'The location after the change'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export function locationRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(list, async (c) => c.json({ data: await listLocations(sql, c.get('caller')) }, 200))
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 201, body: await createLocation(tx, c.get('caller'), body) }));
    })
    .openapi(get, async (c) => c.json(await getLocation(sql, c.get('caller'), c.req.valid('param').id), 200))
    .openapi(patch, async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      return idempotent(c, deps, body, async (tx) => ({ status: 200, body: await updateLocation(tx, c.get('caller'), id, body) }));
    });
}
