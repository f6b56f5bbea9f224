import type { Db, Sql } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { Caller } from './caller.ts';
import { authorize } from './policy.ts';

export type AdminAccess = { id: string; email: string; role: 'owner' | 'staff'; deactivatedAt: string | null };

/**
 * Take an admin's access away, or give it back. Deactivating also deletes their sessions in the same
 * transaction, so giving access back later never revives a cookie from before: they sign in afresh.
 * Their open streams close within KEY_SWEEP_MS on every instance (see realtime/keySweep.ts). The
 * admin row stays, so the actor ids on ledger rows and events still name someone (I9).
 * Null when this tenant has no admin with that email.
 */
export async function setAdminActive(sql: Sql, tenantId: string, email: string, active: boolean): Promise<AdminAccess | null> {
  return sql.begin(async (tx) => {
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
  });
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

function limit(sql: Sql, tenantId: string, which: ReturnType<Sql>, locationId: string | null): Promise<AdminReach | 'owner' | null> {
  return sql.begin(async (tx) => {
    const [admin] = await tx`select id, email, role, location_id from admins where tenant_id = ${tenantId} and ${which} for update`;
    if (!admin) return null;
    if (admin.role === 'owner' && locationId) return 'owner' as const;
    await tx`update admins set location_id = ${locationId} where id = ${admin.id}`;
    const narrows = locationId !== null && locationId !== admin.location_id;
    if (narrows) await tx`delete from admin_sessions where admin_id = ${admin.id}`;
    return { id: admin.id, email: admin.email, role: admin.role, locationId, signedOut: narrows };
  }) as Promise<AdminReach | 'owner' | null>;
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
  const reach = await limit(sql, caller.tenantId, sql`id = ${adminId} and role = 'staff'`, locationId);
  if (!reach || reach === 'owner') throw notFound('Staff admin');
  return reach;
}
