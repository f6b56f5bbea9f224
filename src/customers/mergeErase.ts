import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { atLocation } from '../locations/where.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import type { Customer, MergeCustomers } from './schemas.ts';

// Folding a duplicate into its survivor, and erasing a person on request. Each is one SQL function
// (sql/0012_merge_erase.sql) that locks every row it touches in a fixed order and writes the ledger,
// the customer rows and the event in one transaction. Both are group-wide (GROUP_ONLY in the policy):
// a till bound to one site does not rewrite the group's customer list.

const checkId = (id: string) => {
  if (!Id.safeParse(id).success) throw notFound('Customer');
};

/**
 * Merge `input.duplicateId` into `survivorId`; answers the survivor. Into itself is 400; a customer
 * already merged is 409 already_merged; an erased one 409 customer_erased; another tenant's is 404.
 */
export async function mergeCustomers(db: Db, caller: Caller, survivorId: string, input: MergeCustomers): Promise<Customer> {
  authorize(caller, 'customers.merge');
  checkId(survivorId);
  checkId(input.duplicateId);
  return atLocation(db, caller, undefined, async (tx) => {
    const [{ customer }] = await tx`select customer_merge(${caller.tenantId}, ${survivorId}, ${input.duplicateId},
      ${caller.actor}) as customer`;
    return customer as Customer;
  });
}

/** Erase a customer's personal data everywhere it was stored; the balance is written off (see the SQL). */
export async function eraseCustomer(db: Db, caller: Caller, id: string): Promise<Customer> {
  authorize(caller, 'customers.erase');
  checkId(id);
  return atLocation(db, caller, undefined, async (tx) => {
    const [{ customer }] = await tx`select customer_erase(${caller.tenantId}, ${id}, ${caller.actor}) as customer`;
    return customer as Customer;
  });
}

/**
 * Likely duplicates of a customer, for the admin merge flow: another live customer of the tenant with
 * the same email, or the same name and a similar phone (the same last six digits, or close in trigram
 * terms: one digit typed wrong). Served by the lower(email) and lower(name) indexes of sql/0012.
 */
export async function duplicateSuggestions(db: Db, caller: Caller, id: string): Promise<Customer[]> {
  authorize(caller, 'customers.read');
  checkId(id);
  const [me] = await db`select 1 from customers where tenant_id = ${caller.tenantId} and id = ${id}`;
  if (!me) throw notFound('Customer');
  const rows = await db`select customer_json(o) as customer from customers c
    join customers o on o.tenant_id = c.tenant_id and o.id <> c.id and o.merged_into is null and o.erased_at is null
    where c.tenant_id = ${caller.tenantId} and c.id = ${id} and (
      (c.email is not null and lower(o.email) = lower(c.email))
      or (c.name is not null and lower(o.name) = lower(c.name)
          and (right(o.phone, 6) = right(c.phone, 6) or similarity(o.phone, c.phone) >= 0.5)))
    order by o.seq desc limit 20`;
  return rows.map((r) => r.customer as Customer);
}
