import { AUTH_CHANNEL, AuthCache } from '../identity/authCache.ts';
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
  // A cached API key carries its tenant's default country (identity/authCache.ts): every instance forgets.
  if (patch.defaultCountry !== undefined) {
    await db`select pg_notify(${AUTH_CHANNEL}, ${'tenant:' + caller.tenantId})`;
    AuthCache.clearAll();
  }
  return s as Settings;
}

/** The settings as the form that changes them: only for callers who may change them. */
export async function settingsForEditing(db: Db, caller: Caller): Promise<Settings> {
  authorize(caller, 'settings.update');
  return getSettings(db, caller);
}
