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
