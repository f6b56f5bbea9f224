import { z } from '@hono/zod-openapi';
import { Hono, type MiddlewareHandler } from 'hono';
import { ApiError } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { chooseLocation, siteOptions } from '../locations/choice.ts';
import type { Deps } from '../platform/deps.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import type { AdminEnv } from './context.ts';
import { formFields } from './forms.ts';

// The header's location picker (views/shell/sitePicker.tsx): the sites it lists, and the pick.

/**
 * Loads the picker's sites for every full page (meta() puts them in the header). htmx fragments and the
 * stream never render the header, so they skip the read.
 */
export function withSites(deps: Deps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (caller && c.req.method === 'GET' && !c.req.header('hx-request') && !c.req.path.endsWith('/stream')) {
      c.set('sites', await siteOptions(deps.sql, caller));
    }
    await next();
  };
}

const PICK = 'Pick a location from the list.';

/**
 * The picker's form, strictly: `all` (the group) or a site's id, and the page to go back to. Anything
 * else is a form no page sends: 400, nothing changed.
 */
const PickForm = z.object({
  locationId: z.string({ error: PICK }).refine((v) => v === 'all' || Id.safeParse(v).success, PICK),
  return: z.string().max(300).regex(/^\/[A-Za-z0-9/_-]+$/, 'A page of this back office.').optional(),
}).strict();

/** A page of this admin's own back office to go back to, never anywhere else. */
function backTo(base: string, wanted: string | undefined): string {
  return wanted?.startsWith(`${base}/`) ? wanted : `${base}/dashboard`;
}

export function sitePickerPages(deps: Deps) {
  const app = new Hono<AdminEnv>();

  // POST /{tenant}/admin/location {locationId: a site's id, or `all`}. The page then
  // reloads: every figure on it (the dashboard's, "today") belongs to the new pick, and so do this
  // admin's next writes, since sessions.ts puts chosen_location_id in the caller (the pick clears cached sessions).
  app.post('/location', async (c) => {
    const caller = c.get('caller');
    const parsed = PickForm.safeParse(await formFields(c));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = String(issue.path[0] ?? 'form');
      throw new ApiError(400, 'validation_failed', `${path}: ${issue.message}`, { errors: [{ path, message: issue.message }] });
    }
    const f = parsed.data;
    await chooseLocation(deps.sql, caller, f.locationId === 'all' ? null : f.locationId);
    if (c.req.header('hx-request')) {
      c.header('HX-Refresh', 'true');
      return c.body(null, 200);
    }
    return c.redirect(backTo(adminBase(caller.tenantSlug), f.return), 303);
  });

  return app;
}
