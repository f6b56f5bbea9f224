import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { TerminalList } from './schemas.ts';
import { listTerminals } from './terminals.ts';

const list = createRoute({
  method: 'get', path: '/terminals', tags: ['Terminals'], security,
  summary: 'Every API key of the tenant and whether it is connected (open event streams on any instance), with how far behind it is',
  responses: { 200: json(TerminalList, 'Every key that is not revoked, oldest first'), ...problems(401, 403) },
});

export function terminalRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter().openapi(list, async (c) => c.json(await listTerminals(sql, c.get('caller')), 200));
}
