import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { assertKnownTimeZone } from '../platform/timeZones.ts';
import type { Settings, SettingsPatch } from './schemas.ts';

// The settings domain: one read, one write, both doors. settings_update_with_zone() (sql/0021) sets the
// zone when the patch names it, then settings_change() (sql/0016) sets points expiry when it names that,
// then settings_update() writes the row and emits settings_updated, all in the caller's transaction.

export async function getSettings(db: Db, caller: Caller): Promise<Settings> {
  authorize(caller, 'settings.read');
  const [row] = await db`select tenant_settings_json(t) as s from tenants t where id = ${caller.tenantId}`;
  return row.s as Settings;
}

export async function updateSettings(db: Db, caller: Caller, patch: SettingsPatch): Promise<Settings> {
  authorize(caller, 'settings.update');
  if (patch.timezone !== undefined) await assertKnownTimeZone(db, patch.timezone, 'timezone');
  const [{ s }] = await db`select settings_update_with_zone(${caller.tenantId}, ${db.json(patch)}, ${caller.actor}) as s`;
  // Cached API keys and sessions carry the tenant's name, currency, zone and country: sql/0029's trigger
  // NOTIFYs every instance at commit, and the callers (both doors' routes) run this whole transaction
  // inside changingCredentials (identity/credentialChanges.ts), so this instance forgets after COMMIT.
  return s as Settings;
}

/** The settings as the form that changes them: only for callers who may change them. */
export async function settingsForEditing(db: Db, caller: Caller): Promise<Settings> {
  authorize(caller, 'settings.update');
  return getSettings(db, caller);
}
