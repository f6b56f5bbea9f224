import type { Sql } from '../platform/database.ts';

/** Failed sign-ins allowed per tenant and email in any rolling SIGN_IN_WINDOW_MINUTES. */
export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_WINDOW_MINUTES = 15;

// Advisory locks taken with two int4 keys live apart from the one-bigint keys (idempotency, migrations):
// this constant is the first key, a hash of tenant and email the second. Two emails that share a hash
// only queue behind each other for a moment; neither counts the other's failures.
const LOCK_SPACE = 0x5349_474e; // "SIGN"

/** Either this attempt may be judged (a failure is already recorded for it), or the email is locked. */
export type SignInTurn = { reservedAt: string } | { retryAfter: number };

/**
 * Count and decide in one step, so racing requests cannot all slip under the limit: under a lock on
 * (tenant, email), count the window's failures and, when there is room, record this attempt as a failure
 * BEFORE its password is verified. At most SIGN_IN_FAILURE_LIMIT attempts per window are ever judged,
 * however many race; the rest get retryAfter (seconds until the oldest failure leaves the window). A
 * success clears the count (clearSignInFailures), its own reservation with it; a failure leaves it as is.
 *
 * Checked before the password is verified, so a locked email cannot be guessed at all, right password or
 * not, and a locked attempt records nothing (the lock does not extend itself). Keyed by email, not by
 * address: behind a proxy every till shares one address, and an attacker rotates addresses freely.
 */
export async function reserveSignInAttempt(sql: Sql, tenantId: string, email: string): Promise<SignInTurn> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${tenantId + '/' + email}))`;
    const [row] = await tx`
      select count(*)::int as failures,
             ceil(extract(epoch from min(at) + make_interval(mins => ${SIGN_IN_WINDOW_MINUTES}) - now()))::int as retry_after
      from admin_sign_in_failures
      where tenant_id = ${tenantId} and email = ${email} and at > now() - make_interval(mins => ${SIGN_IN_WINDOW_MINUTES})`;
    if (row.failures >= SIGN_IN_FAILURE_LIMIT) return { retryAfter: Math.max(1, row.retry_after ?? 60) };
    // clock_timestamp(), taken under the lock, tells this reservation apart from its neighbours' (now() is
    // when the transaction began, which racing transactions can share).
    const [reserved] = await tx`insert into admin_sign_in_failures (tenant_id, email, at)
      values (${tenantId}, ${email}, clock_timestamp()) returning at::text as at`;
    return { reservedAt: reserved.at as string };
  }) as Promise<SignInTurn>;
}

/**
 * Give a reservation back when its attempt was never judged (verifying failed for our own reasons, such
 * as the database going away): a fault is not a wrong password. Rows are only (tenant, email, at), so
 * any one row with the reservation's time is the reservation. (The time goes over as text: a parameter
 * the client takes for a timestamptz passes through a JS Date and loses its microseconds.)
 */
export async function releaseSignInAttempt(sql: Sql, tenantId: string, email: string, reservedAt: string) {
  await sql`delete from admin_sign_in_failures where ctid = (
    select ctid from admin_sign_in_failures
    where tenant_id = ${tenantId} and email = ${email} and at = ${reservedAt}::text::timestamptz limit 1)`;
}

/** A successful sign-in starts the count afresh: its own reservation goes with the earlier failures. */
export async function clearSignInFailures(sql: Sql, tenantId: string, email: string) {
  await sql`delete from admin_sign_in_failures where tenant_id = ${tenantId} and email = ${email}`;
}

/** The lock looks back 15 minutes; failures are kept an hour for operators, then forgotten. */
export async function pruneSignInFailures(sql: Sql): Promise<number> {
  return (await sql`delete from admin_sign_in_failures where at < now() - interval '1 hour' returning 1`).length;
}
