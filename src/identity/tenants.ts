import type { Sql } from '../platform/database.ts';
import { createApiKey } from './apiKeys.ts';

export type NewTenant = { slug: string; name: string; currency?: string; defaultCountry?: string };

/** A tenant and its first API key (the key is returned once and never stored). */
export async function createTenant(sql: Sql, t: NewTenant) {
  const [row] = await sql`insert into tenants (slug, name, currency, default_country)
    values (${t.slug}, ${t.name}, ${t.currency ?? 'GBP'}, ${t.defaultCountry ?? 'GB'})
    returning id, tenant_settings_json(tenants) as settings`;
  const key = await createApiKey(sql, row.id, 'default');
  return { tenant: { id: row.id as string, ...row.settings }, apiKey: key.apiKey };
}

export async function tenantBySlug(sql: Sql, slug: string) {
  const [row] = await sql`select id, slug, name from tenants where slug = ${slug}`;
  return (row ?? null) as { id: string; slug: string; name: string } | null;
}
