import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db, Sql } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { atLocation } from '../locations/where.ts';
import { qrSvg } from './qr.ts';
import { hashToken, newToken, walletPath } from './tokens.ts';
import type { WalletLink, WalletLinksRevoked } from './schemas.ts';

// Wallet links, both doors: staff (or a till) make one for the guest in front of them and print or show
// its QR code; revoking makes every link of the customer dead. The rules (a live customer only, one
// event per change) are in sql/0025_wallet_links.sql; the token is made here and only its hash goes in.

const checkCustomer = (id: string) => {
  if (!Id.safeParse(id).success) throw notFound('Customer');
  return id;
};

export type MintOptions = {
  ttlHours: number;
  /** A retry with the same key rotates that link's token instead of making a second live link. */
  idempotencyKey?: string | null;
  /** Where the QR code should point (e.g. `https://diner.example`); the `url` field stays root-relative. */
  origin?: string | null;
};

export async function mintWalletLink(db: Db, caller: Caller, customerId: string, opts: MintOptions): Promise<WalletLink> {
  authorize(caller, 'customers.walletLink');
  checkCustomer(customerId);
  const token = newToken();
  const expires = new Date(Date.now() + opts.ttlHours * 3_600_000).toISOString();
  const r = await atLocation(db, caller, null, async (tx) => {
    const [{ r }] = await tx`select wallet_link_mint(${caller.tenantId}, ${customerId}, ${hashToken(token)}, ${expires},
      ${opts.idempotencyKey ?? null}, ${caller.actor}) as r`;
    return r as { id: string; expiresAt: string };
  });
  const url = walletPath(token);
  return { url, expiresAt: r.expiresAt, qrSvg: qrSvg(`${opts.origin ?? ''}${url}`) };
}

export async function revokeWalletLinks(db: Db, caller: Caller, customerId: string): Promise<WalletLinksRevoked & { linkIds: string[] }> {
  authorize(caller, 'customers.walletLink');
  checkCustomer(customerId);
  return atLocation(db, caller, null, async (tx) => {
    const [{ r }] = await tx`select wallet_links_revoke(${caller.tenantId}, ${customerId}, ${caller.actor}) as r`;
    return r as WalletLinksRevoked & { linkIds: string[] };
  });
}

/** A live link: whose wallet it opens, and the restaurant's name, zone and currency for the page. */
export type OpenLink = {
  id: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  timeZone: string;
  currency: string;
  customerId: string;
};

/**
 * The one lookup every use of a token makes (page, stream, every reconnect): a row only for a link
 * that is unexpired, unrevoked and whose customer is neither erased nor merged away. Expired, revoked,
 * tampered and made-up tokens all take this same single indexed query and get the same null.
 */
export async function openLink(sql: Sql, token: string): Promise<OpenLink | null> {
  const [row] = await sql`select l.id, l.tenant_id, l.customer_id, t.slug, t.name, t.time_zone, t.currency
    from wallet_links l
    join customers c on c.tenant_id = l.tenant_id and c.id = l.customer_id
    join tenants t on t.id = l.tenant_id
    where l.token_hash = ${hashToken(token)} and l.revoked_at is null and l.expires_at > now()
      and c.erased_at is null and c.merged_into is null`;
  if (!row) return null;
  return {
    id: row.id, tenantId: row.tenant_id, tenantSlug: row.slug, tenantName: row.name, timeZone: row.time_zone,
    currency: row.currency, customerId: row.customer_id,
  };
}

/**
 * The guest as the domain's `(db, caller, input)` functions see it, for the reads the wallet borrows
 * (the rewards menu) and for the hub (which hides the team's events from it, as from any key). Role
 * `key` with no key id: it can do nothing a key cannot, and it is never handed to a write.
 */
export function walletCaller(link: OpenLink): Caller {
  return { tenantId: link.tenantId, tenantSlug: link.tenantSlug, defaultCountry: '', actor: `wallet:${link.id}`, keyId: null, adminId: null, role: 'key' };
}

/** Of these links (open streams' ids), the ones no longer live: the sweep closes their streams. */
export async function deadLinks(sql: Sql, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const live = await sql`select l.id from wallet_links l join customers c on c.id = l.customer_id
    where l.id = any(${ids}::uuid[]) and l.revoked_at is null and l.expires_at > now()
      and c.erased_at is null and c.merged_into is null`;
  const alive = new Set(live.map((r) => r.id as string));
  return ids.filter((id) => !alive.has(id));
}
