import { randomBytes, createHash } from 'node:crypto';
import type { Sql } from './db.ts';

/** `tsk_` + 32 random bytes; only the sha256 is stored, the first 12 characters stay visible. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `tsk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(sql: Sql, tenantId: string, name = 'default') {
  const { key, prefix, hash } = generateApiKey();
  const [row] = await sql`insert into api_keys (tenant_id, name, prefix, key_hash)
    values (${tenantId}, ${name}, ${prefix}, ${hash}) returning id, name, prefix, created_at`;
  return { apiKey: key, id: row.id as string, name: row.name as string, prefix };
}

export async function listApiKeys(sql: Sql, tenantId: string) {
  return sql`select id, name, prefix, iso(created_at) as "createdAt", iso(last_used_at) as "lastUsedAt",
      iso(revoked_at) as "revokedAt" from api_keys where tenant_id = ${tenantId} order by created_at`;
}

/** Revoke by id or visible prefix; returns how many keys were revoked. */
export async function revokeApiKey(sql: Sql, tenantId: string, idOrPrefix: string) {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const rows = await sql`update api_keys set revoked_at = now()
    where tenant_id = ${tenantId} and revoked_at is null
      and ${isUuid ? sql`id = ${idOrPrefix}::uuid` : sql`prefix = ${idOrPrefix}`} returning id`;
  return rows.length;
}
