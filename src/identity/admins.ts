import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { Caller } from './caller.ts';
import { authorize } from './policy.ts';
import { emitTeamEvent } from './teamEvents.ts';
import { changingCredentials } from './credentialChanges.ts';

export type AdminAccess = { id: string; email: string; role: 'owner' | 'staff'; deactivatedAt: string | null };

/**
 * Take an admin's access away, or give it back. Deactivating also deletes their sessions in the same
 * transaction, so giving access back later never revives a cookie from before: they sign in afresh.
 * Their open streams close within KEY_SWEEP_MS on every instance (see realtime/keySweep.ts). The
 * admin row stays, so the actor ids on ledger rows and events still name someone (I9).
 * Null when this tenant has no admin with that email.
 */
export async function setAdminActive(sql: Sql, tenantId: string, email: string, active: boolean): Promise<AdminAccess | null> {
  return changingCredentials(() => sql.begin(async (tx) => {
    const [row] = await tx`update admins
      set deactivated_at = ${active ? null : tx`coalesce(deactivated_at, now())`}
      where tenant_id = ${tenantId} and email = ${email.trim().toLowerCase()}
      returning id, email, role, deactivated_at`;
    if (!row) return null;
    if (!active) await tx`delete from admin_sessions where admin_id = ${row.id}`;
    return {
      id: row.id, email: row.email, role: row.role,
      deactivatedAt: row.deactivated_at ? new Date(row.deactivated_at).toISOString() : null,
    };
  }));
}

export type AdminReach = { id: string; email: string; role: 'owner' | 'staff'; locationId: string | null; signedOut: boolean };

/**
 * Limit a staff admin to one site (`locationId`), or give them the whole group back (null). Owners act for
 * the group and cannot be limited: 'owner' comes back instead. A limit that narrows what they may see
 * (group → site, or one site → another) also deletes their sessions in the same transaction: their open
 * pages and streams were opened with the wider reach, so they close (streams within KEY_SWEEP_MS, see
 * realtime/keySweep.ts) and the admin signs in afresh, limited. Widening signs nobody out.
 * Null when this tenant has no admin with that email.
 */
export async function limitAdmin(sql: Sql, tenantId: string, email: string, locationId: string | null): Promise<AdminReach | 'owner' | null> {
  return limit(sql, tenantId, sql`email = ${email.trim().toLowerCase()}`, locationId);
}

function limit(
  sql: Sql, tenantId: string, which: ReturnType<Sql>, locationId: string | null,
  /** In the same transaction, after a change (the Team page's event). */
  then?: (tx: Db, row: Record<string, any>, signedOut: boolean) => Promise<void>,
): Promise<AdminReach | 'owner' | null> {
  return changingCredentials(() => sql.begin(async (tx) => {
    const [admin] = await tx`select id, email, role, location_id, deactivated_at from admins where tenant_id = ${tenantId} and ${which} for update`;
    if (!admin) return null;
    if (admin.role === 'owner' && locationId) return 'owner' as const;
    await tx`update admins set location_id = ${locationId} where id = ${admin.id}`;
    const narrows = locationId !== null && locationId !== admin.location_id;
    if (narrows) await tx`delete from admin_sessions where admin_id = ${admin.id}`;
    if (then && locationId !== admin.location_id) await then(tx, { ...admin, location_id: locationId }, narrows);
    return { id: admin.id, email: admin.email, role: admin.role, locationId, signedOut: narrows };
  }) as Promise<AdminReach | 'owner' | null>);
}

// The admin door's side of the same rule (owners only: admins.manage).

export type StaffView = { id: string; email: string; locationId: string | null; deactivated: boolean };

/** The tenant's staff admins and the site each is limited to (null: the whole group). */
export async function listStaff(db: Db, caller: Caller): Promise<StaffView[]> {
  authorize(caller, 'admins.manage');
  const rows = await db`select id, email, location_id, deactivated_at is not null as deactivated from admins
    where tenant_id = ${caller.tenantId} and role = 'staff' order by email`;
  return rows.map((r) => ({ id: r.id, email: r.email, locationId: r.location_id, deactivated: r.deactivated }));
}

/**
 * Limit one staff admin to an active site of the group, or free them (null); see limitAdmin for the
 * sign-out that narrowing brings. An owner's id, or another tenant's, is 404: only staff are limited.
 */
export async function limitStaff(sql: Sql, caller: Caller, adminId: string, locationId: string | null): Promise<AdminReach> {
  authorize(caller, 'admins.manage');
  if (!Id.safeParse(adminId).success) throw notFound('Staff admin');
  if (locationId) {
    const [site] = await sql`select archived_at from locations where tenant_id = ${caller.tenantId} and id = ${locationId}`;
    if (!site) throw notFound('Location');
    if (site.archived_at) throw new ApiError(409, 'location_archived', 'This location is archived: nobody can be limited to it.', { locationId });
  }
  const reach = await limit(sql, caller.tenantId, sql`id = ${adminId} and role = 'staff'`, locationId,
    (tx, row, signedOut) => emitTeamEvent(tx, caller, 'admin_updated', row, { change: 'location', signedOut }));
  if (!reach || reach === 'owner') throw notFound('Staff admin');
  return reach;
}

// The Team page (owners only: admins.manage). Every change that narrows what someone may do, or that
// replaces the secret they signed in with, deletes their sessions in the same transaction and returns
// those sessions' ids: the page closes their streams on this instance at once (hub.closeSession, as
// sign-out does), and every other instance's sweep finds the sessions gone within KEY_SWEEP_MS.
// Sessions are cached per instance: each change runs in changingCredentials (./credentialChanges.ts),
// so it holds from the admin's next request here, and sql/0029's triggers NOTIFY the other instances.

const Role = z.enum(['owner', 'staff'], { error: 'Choose owner or staff.' });
const EMAIL = 'That does not look like an email address.';

export const AdminCreate = z.object({
  email: z.string({ error: EMAIL }).trim().toLowerCase().max(254, EMAIL).pipe(z.email(EMAIL)),
  role: Role,
});
export const AdminRoleChange = z.object({ role: Role });

export type TeamMember = {
  id: string; email: string; role: 'owner' | 'staff'; locationId: string | null; deactivated: boolean;
  /** The caller: nobody deactivates or demotes themself (the page offers no buttons for it). */
  self: boolean;
};
/** A change and the sessions it ended (for closing their streams now). */
export type TeamChange = { admin: TeamMember; endedSessions: string[] };
/** A change that made a password: shown once to the owner, never stored (only its hash is). */
export type WithPassword = TeamChange & { password: string };

const member = (r: Record<string, any>, caller: Caller): TeamMember => ({
  id: r.id, email: r.email, role: r.role, locationId: r.location_id, deactivated: r.deactivated_at !== null, self: r.id === caller.adminId,
});

/** 20 characters of base64url: 120 bits, typed once by the person it is given to. */
const newPassword = () => randomBytes(15).toString('base64url');

/** Everyone who can sign in to this tenant's back office (or could, before being deactivated): owners first. */
export async function listTeam(db: Db, caller: Caller): Promise<TeamMember[]> {
  authorize(caller, 'admins.manage');
  const rows = await db`select id, email, role, location_id, deactivated_at from admins
    where tenant_id = ${caller.tenantId} order by role, email`;
  return rows.map((r) => member(r, caller));
}

/** A new owner or staff admin with a password made here, to be handed to them once. */
export async function addAdmin(sql: Sql, caller: Caller, input: z.infer<typeof AdminCreate>): Promise<WithPassword> {
  authorize(caller, 'admins.manage');
  const password = newPassword();
  const hash = await Bun.password.hash(password);
  return sql.begin(async (tx) => {
    const [row] = await tx`insert into admins (tenant_id, email, password_hash, role, password_must_change)
      values (${caller.tenantId}, ${input.email}, ${hash}, ${input.role}, true)
      on conflict (tenant_id, email) do nothing
      returning id, email, role, location_id, deactivated_at`;
    if (!row) throw new ApiError(409, 'admin_exists', `${input.email} is already on the team.`, { email: input.email });
    await emitTeamEvent(tx, caller, 'admin_created', row, { oneTimePassword: true });
    return { admin: member(row, caller), endedSessions: [], password };
  }) as Promise<WithPassword>;
}

/**
 * A staff admin's new password (an owner's is changed with the CLI: one owner cannot take over another).
 * Their sessions end: whoever held the old password is signed out with it.
 */
export async function resetPassword(sql: Sql, caller: Caller, adminId: string): Promise<WithPassword> {
  authorize(caller, 'admins.manage');
  // Before the (deliberately slow) hash: a malformed id costs nothing.
  if (!Id.safeParse(adminId).success) throw notFound('Admin');
  const password = newPassword();
  const hash = await Bun.password.hash(password);
  return changingCredentials(() => sql.begin(async (tx) => {
    const target = await lockMember(tx, caller, adminId);
    if (target.role !== 'staff') throw notFound('Staff admin');
    await tx`update admins set password_hash = ${hash}, password_must_change = true where id = ${target.id}`;
    const endedSessions = await endSessions(tx, target.id);
    await emitTeamEvent(tx, caller, 'admin_updated', target, { change: 'password_reset', signedOut: true });
    return { admin: member(target, caller), endedSessions, password };
  }) as Promise<WithPassword>);
}

/** Deactivate (sessions end now) or reactivate (they sign in afresh). Not yourself, nor the last active owner. */
export async function setMemberActive(sql: Sql, caller: Caller, adminId: string, active: boolean): Promise<TeamChange> {
  authorize(caller, 'admins.manage');
  return changingCredentials(() => sql.begin(async (tx) => {
    const owners = await lockOwners(tx, caller);
    const target = await lockMember(tx, caller, adminId);
    if (!active) keepAnOwner(caller, owners, target, 'deactivate');
    const [row] = await tx`update admins set deactivated_at = ${active ? null : tx`coalesce(deactivated_at, now())`}
      where id = ${target.id} returning id, email, role, location_id, deactivated_at`;
    const endedSessions = active ? [] : await endSessions(tx, target.id);
    // Only a change is an event: deactivating someone already deactivated changes nothing.
    if (!active && target.deactivated_at === null) await emitTeamEvent(tx, caller, 'admin_deactivated', row, { signedOut: true });
    if (active && target.deactivated_at !== null) await emitTeamEvent(tx, caller, 'admin_updated', row, { change: 'reactivated', signedOut: false });
    return { admin: member(row, caller), endedSessions };
  }) as Promise<TeamChange>);
}

/**
 * Make an admin an owner (their site limit goes: owners act for the group) or staff. Demotion narrows
 * what they may do, so their sessions end like a narrowing limit's (see limitAdmin); promotion signs nobody out.
 */
export async function setMemberRole(sql: Sql, caller: Caller, adminId: string, role: 'owner' | 'staff'): Promise<TeamChange> {
  authorize(caller, 'admins.manage');
  return changingCredentials(() => sql.begin(async (tx) => {
    const owners = await lockOwners(tx, caller);
    const target = await lockMember(tx, caller, adminId);
    if (target.role === role) return { admin: member(target, caller), endedSessions: [] };
    if (role === 'staff') keepAnOwner(caller, owners, target, 'make staff');
    const [row] = await tx`update admins set role = ${role}, location_id = ${role === 'owner' ? null : target.location_id}
      where id = ${target.id} returning id, email, role, location_id, deactivated_at`;
    const endedSessions = role === 'staff' ? await endSessions(tx, target.id) : [];
    await emitTeamEvent(tx, caller, 'admin_updated', row, { change: 'role', signedOut: role === 'staff' });
    return { admin: member(row, caller), endedSessions };
  }) as Promise<TeamChange>);
}

/** The admin row, locked for the change; another tenant's id is 404 like an unknown one (I7). */
async function lockMember(tx: Db, caller: Caller, adminId: string) {
  if (!Id.safeParse(adminId).success) throw notFound('Admin');
  const [row] = await tx`select id, email, role, location_id, deactivated_at from admins
    where tenant_id = ${caller.tenantId} and id = ${adminId} for update`;
  if (!row) throw notFound('Admin');
  return row;
}

/**
 * The tenant's active owners, locked before the admin being changed (always in this order, so two
 * owners demoting or deactivating each other at once queue instead of deadlocking, and the second
 * sees the first's change: one of them stays an owner).
 */
async function lockOwners(tx: Db, caller: Caller): Promise<string[]> {
  const rows = await tx`select id from admins where tenant_id = ${caller.tenantId} and role = 'owner' and deactivated_at is null
    order by id for update`;
  return rows.map((r) => r.id as string);
}

/** Refuse taking away the caller's own access, and the tenant's last active owner's. */
function keepAnOwner(caller: Caller, owners: string[], target: Record<string, any>, what: string) {
  if (target.id === caller.adminId) throw new ApiError(409, 'conflict', `You cannot ${what} yourself: ask another owner.`);
  if (owners.includes(target.id) && !owners.some((id) => id !== target.id)) {
    throw new ApiError(409, 'last_owner', `${target.email} is the last active owner: make someone else an owner first.`);
  }
}

async function endSessions(tx: Db, adminId: string): Promise<string[]> {
  const rows = await tx`delete from admin_sessions where admin_id = ${adminId} returning token_hash`;
  return rows.map((r) => r.token_hash as string);
}
