import type { Caller } from '../identity/caller.ts';
import { actorLabelSql } from '../identity/actors.ts';
import { authorize } from '../identity/policy.ts';
import { atLocation } from '../locations/where.ts';
import type { Db } from '../platform/database.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import type { CustomerEdit, CustomerHistoryPage, EditCustomer, HistoryQuery } from './editSchemas.ts';
import { normalizePhone } from './phone.ts';
import type { Customer } from './schemas.ts';

// Editing a customer with optimistic concurrency: the caller names the version it read (the ETag of
// GET /customers/{id}, or the version the admin form was rendered with), and customer_edit()
// (sql/0011_customer_edit.sql) refuses the edit with 412 when someone else saved first.

/** The ETag of a customer: its version, as a strong validator. */
export const etagOf = (customer: Pick<Customer, 'version'>) => `"${customer.version}"`;

/**
 * The version an If-Match header names: a number, or null for `*` (any version). Missing is 428; a
 * header naming no version we could have issued is treated like a stale one (412), as RFC 9110 has it.
 */
export function versionFromIfMatch(header: string | undefined): number | null | 'none' {
  if (header === undefined || header.trim() === '') {
    throw new ApiError(428, 'precondition_required',
      'Send If-Match with the ETag of the customer you read (GET /customers/{id}), so an edit cannot overwrite one it has not seen.');
  }
  if (header.trim() === '*') return null;
  const versions = header.split(',').map((t) => /^\s*"(\d{1,9})"\s*$/.exec(t)?.[1]).filter((v) => v !== undefined);
  return versions.length === 1 ? Number(versions[0]) : 'none';
}

/**
 * Apply `patch` to the customer if it is still at the version If-Match names (`*`: whatever it is now).
 * The admin form sends the version it was rendered with as `"<version>"` too. A phone is normalised as
 * at enrolment. Returns the customer as saved.
 */
export async function editCustomer(db: Db, caller: Caller, id: string, ifMatch: string | undefined, patch: EditCustomer): Promise<Customer> {
  authorize(caller, 'customers.edit');
  if (!Id.safeParse(id).success) throw notFound('Customer');
  const version = versionFromIfMatch(ifMatch);
  const fields: EditCustomer = patch.phone !== undefined ? { ...patch, phone: normalizePhone(patch.phone, caller.defaultCountry) } : patch;
  // A version no ETag of ours could name still locks and compares, so the 412 carries the current customer.
  const expected = version === 'none' ? -1 : version;
  return atLocation(db, caller, undefined, async (tx) => {
    const [{ customer }] = await tx`select customer_edit(${caller.tenantId}, ${id}, ${expected}, ${tx.json(fields)}, ${caller.actor}) as customer`;
    return customer as Customer;
  });
}

/** Who changed what and when, newest first, keyset by seq. */
export async function customerHistory(db: Db, caller: Caller, customerId: string, query: HistoryQuery): Promise<CustomerHistoryPage> {
  authorize(caller, 'customers.read');
  if (!Id.safeParse(customerId).success) throw notFound('Customer');
  const [owner] = await db`select 1 from customers where id = ${customerId} and tenant_id = ${caller.tenantId}`;
  if (!owner) throw notFound('Customer');
  const after = decodeCursor(query.cursor);
  const rows = await db`select customer_edit_json(e) as edit, ${actorLabelSql(db, 'e.actor')} as actor, e.seq
    from customer_edits e
    where e.customer_id = ${customerId} and e.tenant_id = ${caller.tenantId} ${after !== null ? db`and e.seq < ${after}` : db``}
    order by e.seq desc limit ${query.limit + 1}`;
  return keysetPage(rows, query.limit, (r) => ({ ...(r.edit as Omit<CustomerEdit, 'actor'>), actor: r.actor as string }));
}
