import { randomBytes, createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { Caller } from './caller.ts';
import { authorize } from './policy.ts';

const KEY_NAME = 'Give the key a name of 1 to 100 characters.';

/** `tsk_` + 32 random bytes; only the sha256 is stored, the first 12 characters stay visible. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `tsk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(sql: Db, tenantId: string, name = 'default') {
  const { key, prefix, hash } = generateApiKey();
  const [row] = await sql`insert into api_keys (tenant_id, name, prefix, key_hash)
    values (${tenantId}, ${name}, ${prefix}, ${hash}) returning id, name, prefix, created_at`;
  return { apiKey: key, id: row.id as string, name: row.name as string, prefix };
}

export async function listApiKeys(sql: Db, tenantId: string) {
  return sql`select id, name, prefix, iso(created_at) as "createdAt", iso(last_used_at) as "lastUsedAt",
      iso(revoked_at) as "revokedAt" from api_keys where tenant_id = ${tenantId} order by created_at`;
}

/** Revoke by id or visible prefix; returns how many keys were revoked. */
export async function revokeApiKey(sql: Db, tenantId: string, idOrPrefix: string) {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const rows = await sql`update api_keys set revoked_at = now()
    where tenant_id = ${tenantId} and revoked_at is null
      and ${isUuid ? sql`id = ${idOrPrefix}::uuid` : sql`prefix = ${idOrPrefix}`} returning id`;
  return rows.length;
}

// last_used_at is a hint for operators, not an audit trail: write it at most once a minute per key.
const LAST_USED_EVERY_MS = 60_000;

/** Resolve `Authorization: Bearer <key>` to the caller's tenant. The tenant never comes from the URL or body. */
export async function callerFromApiKey(sql: Sql, header: string | undefined): Promise<Caller | null> {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return null;
  const [row] = await sql`
    select k.id, k.tenant_id, t.slug, t.default_country, k.last_used_at, k.location_id
    from api_keys k join tenants t on t.id = k.tenant_id
    where k.key_hash = ${hashApiKey(match[1])} and k.revoked_at is null`;
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_EVERY_MS) {
    sql`update api_keys set last_used_at = now() where id = ${row.id}`.catch(() => {});
  }
  return {
    tenantId: row.tenant_id, tenantSlug: row.slug, defaultCountry: row.default_country,
    actor: `key:${row.id}`, keyId: row.id, adminId: null, role: 'key',
    locationId: row.location_id, boundLocationId: row.location_id,
  };
}

// The admin door's key management (the CLI bootstraps with the functions above, outside any caller).

export const KeyName = z.string({ error: KEY_NAME }).trim().min(1, KEY_NAME).max(100, KEY_NAME);

export type ApiKeyView = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export async function listKeys(db: Db, caller: Caller): Promise<ApiKeyView[]> {
  authorize(caller, 'apiKeys.manage');
  return (await listApiKeys(db, caller.tenantId)) as unknown as ApiKeyView[];
}

export async function createKey(db: Db, caller: Caller, name: string) {
  authorize(caller, 'apiKeys.manage');
  return createApiKey(db, caller.tenantId, KeyName.parse(name));
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
