import { ApiError } from '../platform/errors.ts';
import type { Caller, Role } from './caller.ts';

/**
 * The one authorization policy: which kind of caller may perform which operation, whichever door
 * (the JSON API or the admin pages) the call came in by. Domain commands and queries call
 * `authorize(caller, operation)` before they touch data, so a door cannot forget or re-implement it.
 *
 * - `key`: an API key (a till, an integration); acts for its tenant only.
 * - `owner`: an admin session with the owner role.
 * - `staff`: an admin session with the staff role (the counter, the kitchen).
 *
 * Any of them may be bound to one site (a till's key; a staff admin an owner limited to a location):
 * GROUP_ONLY, AT_A_LOCATION and SITE_SCOPED_READS below say what that changes.
 *
 * Another tenant's resource is never a 403: queries are scoped by the caller's tenant, so it is 404.
 * test/identity/policy.test.ts walks every row of this table through both doors.
 */
const EVERYONE = ['key', 'owner', 'staff'] as const;
const OWNERS_AND_KEYS = ['key', 'owner'] as const;
const OWNERS = ['owner'] as const;
const ADMINS = ['owner', 'staff'] as const;

export const POLICY = {
  'customers.read': EVERYONE,
  'customers.enrol': EVERYONE,
  // CSV exports of the customer list and the ledger: a file of every customer is the whole personal-data
  // base in one download. Owners and the group's integrations (accounting) need it; the counter and a
  // single site's till serve one guest at a time and do not (GROUP_ONLY below).
  'customers.export': OWNERS_AND_KEYS,
  // Merging folds one record into another for good (points, orders, the phone): owners, and
  // integrations that de-duplicate from a CRM; not staff at the counter, who cannot undo it.
  'customers.merge': OWNERS_AND_KEYS,
  // Erasure destroys personal data and writes a balance off, on a person's legal request: owners only.
  'customers.erase': OWNERS,
  // Fixing a typo or a new number is counter work; If-Match keeps two editors from clobbering each other.
  'customers.edit': EVERYONE,
  // A guest's wallet link (/w/<token>: their balance, activity and cards, live) is made and revoked at
  // the counter, by whoever may look the customer up: it shows the guest no more than staff already see.
  'customers.walletLink': EVERYONE,
  'points.add': EVERYONE,
  'points.redeem': EVERYONE,
  'points.adjust': EVERYONE,
  'loyalty.earn': EVERYONE,
  'orders.read': EVERYONE,
  'orders.create': EVERYONE,
  'orders.setStatus': EVERYONE,
  'giftCards.read': EVERYONE,
  'giftCards.issue': EVERYONE,
  'giftCards.redeem': EVERYONE,
  'giftCards.void': EVERYONE,
  // What the group owes on its gift cards (and their breakage) is a balance-sheet figure for owners and
  // accounting integrations, and the group's alone (GROUP_ONLY): no site owns a share of it.
  'giftCards.liability': OWNERS_AND_KEYS,
  'reconciliation.read': EVERYONE,
  'reconciliation.resolve': EVERYONE,
  'reports.read': EVERYONE,
  'events.read': EVERYONE,
  'settings.read': EVERYONE,
  'locations.read': EVERYONE,
  // The rewards menu: the counter reads it to offer rewards (redeeming one is points.redeem); what a
  // reward costs and gives is the owner's pricing decision, like the earn rule: owners only.
  'rewards.read': EVERYONE,
  'rewards.manage': OWNERS,
  // A group's sites are its shape: created, renamed and archived by an owner (or an integration).
  'locations.manage': OWNERS_AND_KEYS,
  // Which tills are connected and keeping up. Staff too: the person at the counter is the one who
  // notices the kitchen screen went quiet, and the list holds key names and connection state, never a
  // credential (no key or prefix), so it is not key management.
  'terminals.read': EVERYONE,
  // What one point is worth and how points are earned change what every till charges: not staff.
  'settings.update': OWNERS_AND_KEYS,
  // Keys are credentials: only an owner creates, lists or revokes them (there is no API route for it).
  'apiKeys.manage': OWNERS,
  // Webhooks send every event of the group (customers' names and phones included) to a URL of the
  // caller's choosing, signed with a secret: owners only, like keys, and the group's alone (GROUP_ONLY).
  'webhooks.manage': OWNERS,
  // Who sees which site: only an owner limits a staff admin to one location, or frees them.
  'admins.manage': OWNERS,
  // The notification centre is per admin (read state, preferences): an admin session only. A key has no
  // inbox; an integrator's own back office calls these with its admin's session (README, Notifications).
  'notifications.read': ADMINS,
  'notifications.manage': ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof POLICY;

/**
 * Operations on the whole group. A caller bound to one site (a till's key, a staff admin limited to a
 * location) may not perform them even where its role could: a till at one site does not reshape the group.
 */
export const GROUP_ONLY: readonly Operation[] = [
  'customers.export', 'customers.merge', 'customers.erase', 'settings.update', 'locations.manage', 'rewards.manage', 'apiKeys.manage', 'admins.manage',
  'giftCards.liability', 'webhooks.manage',
];

/**
 * Operations that happen at a location (src/locations/where.ts decides which): a bound caller performs
 * them at its own site only, and naming another site in the body, or addressing an order placed at
 * another site, is 403 location_mismatch. Everything else a bound caller may do is group-wide.
 */
export const AT_A_LOCATION: readonly Operation[] = [
  'customers.enrol', 'points.add', 'points.redeem', 'points.adjust', 'loyalty.earn', 'orders.create', 'orders.setStatus',
  'giftCards.issue', 'giftCards.redeem', 'giftCards.void', 'reconciliation.resolve',
];

/**
 * Reads a bound caller sees only its own site's rows of: a kitchen's board and a limited manager's order
 * lists. Customers, balances and gift cards stay group-wide (points earned at one site are spent at any).
 */
export const SITE_SCOPED_READS: readonly Operation[] = ['orders.read'];

export const OPERATIONS = Object.keys(POLICY) as Operation[];

/** The one site whose rows this caller's lists of `operation` are narrowed to, or null for the whole group. */
export function readScope(caller: Caller, operation: Operation): string | null {
  return caller.boundLocationId && SITE_SCOPED_READS.includes(operation) ? caller.boundLocationId : null;
}

export function allows(role: Role, operation: Operation, boundToALocation = false): boolean {
  return (POLICY[operation] as readonly Role[]).includes(role) && !(boundToALocation && GROUP_ONLY.includes(operation));
}

/** Throws 403 forbidden unless the caller's role (and its reach: one site or the group) allows the operation. */
export function authorize(caller: Caller, operation: Operation): void {
  if (!allows(caller.role, operation)) {
    throw new ApiError(403, 'forbidden', FORBIDDEN[operation] ?? `A ${caller.role === 'key' ? 'API key' : caller.role} may not do this (${operation}).`);
  }
  if (!allows(caller.role, operation, Boolean(caller.boundLocationId))) {
    throw new ApiError(403, 'forbidden', 'A caller limited to one location may not change (or export) the whole group.');
  }
}

const FORBIDDEN: Partial<Record<Operation, string>> = {
  'settings.update': 'Only an owner can change settings.',
  'apiKeys.manage': 'Only an owner can manage API keys.',
  'admins.manage': 'Only an owner can manage admins: add them, reset passwords, change roles or access, limit staff to a location.',
  'customers.export': 'Only an owner (or an API key of the whole group) can export customers and the ledger.',
  'customers.erase': 'Only an owner can erase a customer.',
  'rewards.manage': 'Only an owner can change the rewards menu.',
  'webhooks.manage': 'Only an owner can manage webhooks.',
  'notifications.read': 'Notifications belong to a signed-in admin: use an admin session, not an API key.',
  'notifications.manage': 'Notifications belong to a signed-in admin: use an admin session, not an API key.',
  'giftCards.liability': 'Only an owner (or an API key of the whole group) can see what the gift cards owe.',
};
