import type { Sql } from '../platform/database.ts';

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
  return sql.begin(async (tx) => {
    const [admin] = await tx`select id, email, role, location_id from admins
      where tenant_id = ${tenantId} and email = ${email.trim().toLowerCase()} for update`;
    if (!admin) return null;
    if (admin.role === 'owner' && locationId) return 'owner' as const;
    await tx`update admins set location_id = ${locationId} where id = ${admin.id}`;
    const narrows = locationId !== null && locationId !== admin.location_id;
    if (narrows) await tx`delete from admin_sessions where admin_id = ${admin.id}`;
    return { id: admin.id, email: admin.email, role: admin.role, locationId, signedOut: narrows };
  }) as Promise<AdminReach | 'owner' | null>;
}
