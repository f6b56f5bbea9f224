import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { Caller } from './caller.ts';
import { authorize } from './policy.ts';
import { AUTH_CHANNEL, AuthCache } from './authCache.ts';

const KEY_NAME = 'Give the key a name of 1 to 100 characters.';

/** `tsk_` + 32 random bytes; only the sha256 is stored, the first 12 characters stay visible. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `tsk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

/** Every API request hashes its key (the cache is keyed by the hash): Bun's one-shot SHA-256, the same hex. */
export function hashApiKey(key: string): string {
  return Bun.SHA256.hash(key, 'hex');
}

/** A key for the tenant; with `locationId`, a till's key bound to that site (its writes happen there). */
export async function createApiKey(sql: Db, tenantId: string, name = 'default', locationId: string | null = null) {
  const { key, prefix, hash } = generateApiKey();
  const [row] = await sql`insert into api_keys (tenant_id, name, prefix, key_hash, location_id)
    values (${tenantId}, ${name}, ${prefix}, ${hash}, ${locationId}) returning id, name, prefix, created_at`;
  return { apiKey: key, id: row.id as string, name: row.name as string, prefix, locationId };
}

export async function listApiKeys(sql: Db, tenantId: string): Promise<ApiKeyView[]> {
  return sql<ApiKeyView[]>`select k.id, k.name, k.prefix, iso(k.created_at) as "createdAt", iso(k.last_used_at) as "lastUsedAt",
      iso(k.revoked_at) as "revokedAt", k.location_id as "locationId", l.code as "locationCode", l.name as "locationName"
    from api_keys k left join locations l on l.id = k.location_id
    where k.tenant_id = ${tenantId} order by k.created_at, k.id`;
}

/**
 * Revoke by id or visible prefix; returns how many keys were revoked. The same statement NOTIFYs
 * AUTH_CHANNEL (delivered at commit), so every instance drops its cached keys (identity/authCache.ts)
 * and sweeps its streams at once.
 */
export async function revokeApiKey(sql: Db, tenantId: string, idOrPrefix: string) {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const rows = await sql`with revoked as (update api_keys set revoked_at = now()
    where tenant_id = ${tenantId} and revoked_at is null
      and ${isUuid ? sql`id = ${idOrPrefix}::uuid` : sql`prefix = ${idOrPrefix}`} returning id)
    select id, pg_notify(${AUTH_CHANNEL}, 'key:' || id) from revoked`;
  if (rows.length) AuthCache.clearAll();
  return rows.length;
}

// last_used_at is a hint for operators, not an audit trail: write it at most once a minute per key.
const LAST_USED_EVERY_MS = 60_000;
/**
 * When this process last wrote each key's last_used_at. The row alone is not enough: a burst of
 * requests on one key (10,000 streams reconnecting) all read the old value before the first write
 * commits, and each queued its own UPDATE of the same row (56 at 10,000 streams, README "Fan-out
 * benchmark"). Entries older than the interval are dropped as they are passed, so the map stays small.
 */
const lastTouched = new Map<string, number>();


/** A key resolved to its caller; `lastUsedAt` (ms) lets a cached key still refresh last_used_at. */
export type KeyAuth = { caller: Caller; lastUsedAt: number };

/** The bearer key of an Authorization header, or null. */
export function bearerKey(header: string | undefined): string | null {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
}

/** The live (not revoked) key with this hash, as the caller it makes. */
export async function keyAuthFromHash(sql: Sql, keyHash: string): Promise<KeyAuth | null> {
  const [row] = await sql`
    select k.id, k.tenant_id, t.slug, t.default_country, k.last_used_at, k.location_id
    from api_keys k join tenants t on t.id = k.tenant_id
    where k.key_hash = ${keyHash} and k.revoked_at is null`;
  if (!row) return null;
  return {
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).getTime() : 0,
    caller: {
      tenantId: row.tenant_id, tenantSlug: row.slug, defaultCountry: row.default_country,
      actor: `key:${row.id}`, keyId: row.id, adminId: null, role: 'key',
      locationId: row.location_id, boundLocationId: row.location_id,
    },
  };
}

/** Record the key's use, off the request's path and at most once a minute (also for a key served from cache). */
export function touchKey(sql: Sql, auth: KeyAuth) {
  const now = Date.now();
  const keyId = auth.caller.keyId;
  if (!keyId || now - auth.lastUsedAt <= LAST_USED_EVERY_MS) return;
  if (now - (lastTouched.get(keyId) ?? 0) <= LAST_USED_EVERY_MS) return;
  if (lastTouched.size > 10_000) for (const [k, at] of lastTouched) if (now - at > LAST_USED_EVERY_MS) lastTouched.delete(k);
  lastTouched.set(keyId, now);
  auth.lastUsedAt = now;
  sql`update api_keys set last_used_at = now() where id = ${keyId}`.catch(() => {});
}

/** Resolve `Authorization: Bearer <key>` to the caller's tenant. The tenant never comes from the URL or body. */
export async function callerFromApiKey(sql: Sql, header: string | undefined): Promise<Caller | null> {
  const key = bearerKey(header);
  const auth = key ? await keyAuthFromHash(sql, hashApiKey(key)) : null;
  if (!auth) return null;
  touchKey(sql, auth);
  return auth.caller;
}

// The admin door's key management (the CLI bootstraps with the functions above, outside any caller).

export const KeyName = z.string({ error: KEY_NAME }).trim().min(1, KEY_NAME).max(100, KEY_NAME);

const KEY_SITE = 'Choose one of the active locations, or the whole group.';
/** A new key: its name, and the site it is bound to (omitted: a tenant-wide key). */
export const KeyCreate = z.object({ name: KeyName, locationId: z.string({ error: KEY_SITE }).uuid(KEY_SITE).optional() }).strict();
export type KeyCreate = z.infer<typeof KeyCreate>;

export type ApiKeyView = {
  id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null;
  /** The site a till's key is bound to, or null for a tenant-wide key. */
  locationId: string | null; locationCode: string | null; locationName: string | null;
};

export async function listKeys(db: Db, caller: Caller): Promise<ApiKeyView[]> {
  authorize(caller, 'apiKeys.manage');
  return listApiKeys(db, caller.tenantId);
}

/**
 * Mint a key, bound to one of the tenant's active sites when `locationId` is given: another tenant's
 * site is 404 and an archived one 409 location_archived, as for a write made there.
 */
export async function createKey(db: Db, caller: Caller, input: KeyCreate) {
  authorize(caller, 'apiKeys.manage');
  const { name, locationId } = KeyCreate.parse(input);
  if (locationId) {
    const [site] = await db`select archived_at from locations where tenant_id = ${caller.tenantId} and id = ${locationId}`;
    if (!site) throw notFound('Location');
    if (site.archived_at) throw new ApiError(409, 'location_archived', 'This location is archived: a key cannot be bound to it.', { locationId });
  }
  return createApiKey(db, caller.tenantId, name, locationId ?? null);
}

/** Revoke one of the caller's tenant's keys by id; 404 for a key it does not have. */
export async function revokeKey(db: Db, caller: Caller, id: string): Promise<ApiKeyView> {
  authorize(caller, 'apiKeys.manage');
  if (!Id.safeParse(id).success) throw notFound('Key');
  await revokeApiKey(db, caller.tenantId, id);
  const key = (await listKeys(db, caller)).find((k) => k.id === id);
  if (!key) throw notFound('Key');
  return key;
}
