import type { Sql } from '../platform/database.ts';

/** Failed sign-ins allowed per tenant and email in any rolling SIGN_IN_WINDOW_MINUTES. */
export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_WINDOW_MINUTES = 15;

/**
 * Seconds until this email may try again, or null when it may try now. Checked before the password
 * is verified, so a locked email cannot be guessed at all, right password or not. Keyed by email, not
 * by address: behind a proxy every till shares one address, and an attacker rotates addresses freely.
 */
export async function signInRetryAfter(sql: Sql, tenantId: string, email: string): Promise<number | null> {
  const [row] = await sql`
    select count(*)::int as failures,
           ceil(extract(epoch from min(at) + make_interval(mins => ${SIGN_IN_WINDOW_MINUTES}) - now()))::int as retry_after
    from admin_sign_in_failures
    where tenant_id = ${tenantId} and email = ${email} and at > now() - make_interval(mins => ${SIGN_IN_WINDOW_MINUTES})`;
  return row.failures >= SIGN_IN_FAILURE_LIMIT ? Math.max(1, row.retry_after ?? 60) : null;
}

export async function recordSignInFailure(sql: Sql, tenantId: string, email: string) {
  await sql`insert into admin_sign_in_failures (tenant_id, email) values (${tenantId}, ${email})`;
}

/** A successful sign-in starts the count afresh. */
export async function clearSignInFailures(sql: Sql, tenantId: string, email: string) {
  await sql`delete from admin_sign_in_failures where tenant_id = ${tenantId} and email = ${email}`;
}

/** The lock looks back 15 minutes; failures are kept an hour for operators, then forgotten. */
export async function pruneSignInFailures(sql: Sql): Promise<number> {
  return (await sql`delete from admin_sign_in_failures where at < now() - interval '1 hour' returning 1`).length;
}
