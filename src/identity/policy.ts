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
 * Another tenant's resource is never a 403: queries are scoped by the caller's tenant, so it is 404.
 * test/identity/policy.test.ts walks every row of this table through both doors.
 */
const EVERYONE = ['key', 'owner', 'staff'] as const;
const OWNERS_AND_KEYS = ['key', 'owner'] as const;
const OWNERS = ['owner'] as const;

export const POLICY = {
  'customers.read': EVERYONE,
  'customers.enrol': EVERYONE,
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
  'reconciliation.read': EVERYONE,
  'reconciliation.resolve': EVERYONE,
  'reports.read': EVERYONE,
  'events.read': EVERYONE,
  'settings.read': EVERYONE,
  'locations.read': EVERYONE,
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
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof POLICY;

/**
 * Operations on the whole group. A caller bound to one site (a till's key, a staff admin limited to a
 * location) may not perform them even where its role could: a till at one site does not reshape the group.
 */
export const GROUP_ONLY: readonly Operation[] = ['settings.update', 'locations.manage', 'apiKeys.manage'];

export const OPERATIONS = Object.keys(POLICY) as Operation[];

export function allows(role: Role, operation: Operation, boundToALocation = false): boolean {
  return (POLICY[operation] as readonly Role[]).includes(role) && !(boundToALocation && GROUP_ONLY.includes(operation));
}

/** Throws 403 forbidden unless the caller's role (and its reach: one site or the group) allows the operation. */
export function authorize(caller: Caller, operation: Operation): void {
  if (!allows(caller.role, operation)) {
    throw new ApiError(403, 'forbidden', FORBIDDEN[operation] ?? `A ${caller.role === 'key' ? 'API key' : caller.role} may not do this (${operation}).`);
  }
  if (!allows(caller.role, operation, Boolean(caller.boundLocationId))) {
    throw new ApiError(403, 'forbidden', 'A caller limited to one location may not change the whole group.');
  }
}

const FORBIDDEN: Partial<Record<Operation, string>> = {
  'settings.update': 'Only an owner can change settings.',
  'apiKeys.manage': 'Only an owner can manage API keys.',
};
