/** The kinds of caller the authorization policy (./policy.ts) knows. */
export type Role = 'owner' | 'staff' | 'key';

/** Who is calling: resolved from an API key (POS, integrators) or an admin session cookie. */
export type Caller = {
  tenantId: string;
  tenantSlug: string;
  defaultCountry: string;
  /** Recorded on ledger rows and events: `key:<id>` or `admin:<id>`. */
  actor: string;
  keyId: string | null;
  adminId: string | null;
  /** The admin session this caller signed in with (its streams end when it does); absent for a key. */
  sessionId?: string | null;
  role: Role;
  /**
   * The location this caller acts at when a write names none: a till's bound site, or the site an admin
   * picked in the page header. Null: tenant-wide (a tenant with no locations works exactly as before).
   */
  locationId?: string | null;
  /** Set when the caller may act only at one site: a key bound to it, or a staff admin limited to it. */
  boundLocationId?: string | null;
};
