import { z } from '@hono/zod-openapi';
import type { Db } from '../platform/database.ts';
import type { Caller } from './caller.ts';

// Team changes as events (the Team page's functions in ./admins.ts emit them in the transaction of the
// change): `data` names the admin as the Team page shows them and the actor, and never a password, a
// one-time password or a hash. They are the owners' business, like the Team page: src/realtime/reach.ts
// keeps them off the streams and event pages of staff and API keys (TEAM_EVENT_TYPES).

const TeamAdmin = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(['owner', 'staff']),
    locationId: z.string().nullable().describe('The site a staff admin is limited to; null: the whole group'),
    deactivated: z.boolean(),
  })
  .strict();

const actor = z.string().nullable().describe('Who changed the team: `admin:<id>`');

export const AdminCreated = z
  .object({ admin: TeamAdmin, actor, oneTimePassword: z.boolean().describe('Signs in with a one-time password to be changed at once') })
  .strict()
  .describe('An owner added an admin on the Team page. Owners only.');

export const AdminUpdated = z
  .object({
    admin: TeamAdmin.describe('The admin as they now are'),
    actor,
    change: z.enum(['role', 'password_reset', 'password_changed', 'reactivated', 'location'])
      .describe('password_reset: an owner made a one-time password; password_changed: the admin set their own'),
    signedOut: z.boolean().describe('Their sessions ended with the change (and their streams with them)'),
  })
  .strict()
  .describe("An admin's role, site limit or password changed, or they were let back in. Owners only.");

export const AdminDeactivated = z
  .object({ admin: TeamAdmin, actor, signedOut: z.literal(true) })
  .strict()
  .describe("An owner took an admin's access away: their sessions and streams ended. Owners only.");

export const teamEventCatalogue = { admin_created: AdminCreated, admin_updated: AdminUpdated, admin_deactivated: AdminDeactivated };
export type TeamEventType = keyof typeof teamEventCatalogue;
export const TEAM_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(teamEventCatalogue));

/** Append a team event about this admins row (id, email, role, location_id, deactivated_at) in the caller's transaction (last, after the change's own locks: see emit_event). */
export async function emitTeamEvent<T extends TeamEventType>(
  tx: Db, caller: Caller, type: T, row: Record<string, any>, extra: Omit<z.input<(typeof teamEventCatalogue)[T]>, 'admin' | 'actor'>,
): Promise<void> {
  const admin = { id: row.id, email: row.email, role: row.role, locationId: row.location_id, deactivated: row.deactivated_at != null };
  const data = teamEventCatalogue[type].parse({ admin, actor: caller.actor, ...extra });
  await tx`select emit_event(${caller.tenantId}, ${type}, ${tx.json(data)}, ${caller.actor})`;
}
