import { z } from 'zod';
import type { Sql } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import type { Caller } from './caller.ts';
import { emitTeamEvent } from './teamEvents.ts';
import { changingCredentials } from './credentialChanges.ts';

// An admin sets their own password: the way out of a one-time password (an owner's reset on the Team
// page, or a new admin's generated one: admins.password_must_change, sql/0019_one_time_passwords.sql),
// and open to any signed-in admin. Until it is done, a session of an admin with a one-time password
// reaches nothing else: the admin door sends every page here, the API door answers 403
// password_change_required (src/admin/app.tsx, src/identity/apiCaller.ts).

const TOO_SHORT = 'At least 8 characters.';
export const OwnPasswordChange = z
  .object({
    current: z.string({ error: 'Enter the password you signed in with.' }).min(1, 'Enter the password you signed in with.').max(200),
    password: z.string({ error: TOO_SHORT }).min(8, TOO_SHORT).max(200, 'At most 200 characters.'),
    confirm: z.string({ error: 'Type the new password again.' }).max(200),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two new passwords differ.' });

/** The sessions it ended: every other session of this admin (their streams close now, as at sign-out). */
export type OwnPasswordChanged = { endedSessions: string[] };

/**
 * Replace the caller's password (the current one must match) and clear the one-time flag; the session
 * the change was made in stays signed in, every other one of theirs ends. Emits admin_updated
 * (change password_changed) with no secret in it.
 */
export async function changeOwnPassword(sql: Sql, caller: Caller, input: z.infer<typeof OwnPasswordChange>): Promise<OwnPasswordChanged> {
  if (!caller.adminId) throw new ApiError(403, 'forbidden', 'Only a signed-in admin has a password to change.');
  const [row] = await sql`select password_hash from admins where id = ${caller.adminId} and tenant_id = ${caller.tenantId}`;
  if (!row || !(await Bun.password.verify(input.current, row.password_hash))) {
    throw new ApiError(422, 'validation_failed', 'That is not your current password.', { errors: [{ path: 'current', message: 'That is not your current password.' }] });
  }
  if (await Bun.password.verify(input.password, row.password_hash)) {
    throw new ApiError(422, 'validation_failed', 'Choose a password different from the current one.',
      { errors: [{ path: 'password', message: 'Choose a password different from the current one.' }] });
  }
  const hash = await Bun.password.hash(input.password);
  return changingCredentials(() => sql.begin(async (tx) => {
    const [admin] = await tx`update admins set password_hash = ${hash}, password_must_change = false
      where id = ${caller.adminId} returning id, email, role, location_id, deactivated_at`;
    const ended = await tx`delete from admin_sessions where admin_id = ${caller.adminId} and token_hash <> ${caller.sessionId ?? ''}
      returning token_hash`;
    await emitTeamEvent(tx, caller, 'admin_updated', admin, { change: 'password_changed', signedOut: ended.length > 0 });
    return { endedSessions: ended.map((r) => r.token_hash as string) };
  }) as Promise<OwnPasswordChanged>);
}
