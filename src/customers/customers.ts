import type { Caller } from '../identity/caller.ts';
import { actorLabelSql } from '../identity/actors.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { atLocation } from '../locations/where.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { normalizePhone } from './phone.ts';
import { likeEscape, type Needle, searchNeedle } from './searchNeedle.ts';
import type { Customer, CustomerPage, CustomerQuery, EnrolCustomer, LedgerQuery, LedgerRow } from './schemas.ts';

// Customers: enrol, find, search, and read the ledger. Both doors call these: the API routes
// (./routes.ts) and the admin Customers and POS pages. Each starts with the policy check; phone numbers
// are normalised here, so every door refuses a bad number in the same words.

/** A ledger row with who made it, readable (an admin's email, an API key's name). */
export type LedgerEntry = LedgerRow & { actor: string };
type LedgerEntryPage = { data: LedgerEntry[]; nextCursor: string | null };

/** An id that is not a uuid names no customer: 404, never a Postgres cast error. */
const isCustomerId = (id: string) => Id.safeParse(id).success;

/** customer_enrol() inserts the row and emits customer_created; a known phone is 409 customer_exists. */
export async function enrolCustomer(db: Db, caller: Caller, input: EnrolCustomer): Promise<Customer> {
  authorize(caller, 'customers.enrol');
  const phone = normalizePhone(input.phone, caller.defaultCountry);
  return atLocation(db, caller, undefined, async (tx) => {
    const [{ customer }] = await tx`select customer_enrol(${caller.tenantId}, ${phone}, ${input.name ?? null},
      ${input.email ?? null}, ${caller.actor}) as customer`;
    return customer as Customer;
  });
}

/**
 * A page of customers, newest first, optionally matching a search box's text: a phone in any spelling
 * (./searchNeedle.ts), an email typed from its start, or words that must each appear in the accent- and
 * case-folded name or email.
 * Both are LIKEs that the pg_trgm indexes of sql/0013 serve; pages are keyset by seq so page 2,000
 * costs what page 1 does.
 */
export async function searchCustomers(db: Db, caller: Caller, query: CustomerQuery): Promise<CustomerPage> {
  authorize(caller, 'customers.read');
  const after = decodeCursor(query.cursor);
  const needle = searchNeedle(query.q ?? '', caller.defaultCountry);
  const rows = await db`select customer_json(c) as customer, c.seq from customers c
    where c.tenant_id = ${caller.tenantId} and c.merged_into is null
      ${needle ? matching(db, needle) : db``}
      ${after !== null ? db`and c.seq < ${after}` : db``}
    order by c.seq desc limit ${query.limit + 1}`;
  return keysetPage(rows, query.limit, (r) => r.customer as Customer);
}

function matching(db: Db, needle: Needle) {
  if (needle.kind === 'phone') {
    const contains = db`c.phone like ${'%' + needle.contains + '%'}`;
    return needle.prefix ? db`and (${contains} or c.phone like ${needle.prefix + '%'})` : db`and ${contains}`;
  }
  if (needle.kind === 'email') {
    // A range on customers_email_prefix (sql/0028): ~>=~ and ~<~ are the operators text_pattern_ops
    // indexes, usable in a generic plan too (a LIKE prefix needs its pattern known when planning).
    // chr(1114111) is the last code point, so the range holds every email that begins with the prefix.
    return db`and lower(c.email) ~>=~ ${needle.prefix} and lower(c.email) ~<~ (${needle.prefix} || chr(1114111))`;
  }
  // search_fold is the fold search_text was built with, so "ZOË" finds "Zoe" and "zoe" finds "Zoë".
  return needle.words.reduce((all, w) => db`${all} and c.search_text like ${'%'} || search_fold(${likeEscape(w)}) || ${'%'}`, db``);
}

export async function customerById(db: Db, caller: Caller, id: string): Promise<Customer> {
  authorize(caller, 'customers.read');
  if (!isCustomerId(id)) throw notFound('Customer');
  const [row] = await db`select customer_json(c) as customer from customers c
    where c.tenant_id = ${caller.tenantId} and c.id = ${id}`;
  if (!row) throw notFound('Customer');
  return row.customer as Customer;
}

/**
 * Find a customer by any common spelling of their phone. An unknown number is not an error here:
 * the POS offers to enrol it (under `phone`, the normalised number); the API answers 404.
 */
export async function customerByPhone(db: Db, caller: Caller, rawPhone: string): Promise<{ phone: string; customer: Customer | null }> {
  authorize(caller, 'customers.read');
  const phone = normalizePhone(rawPhone, caller.defaultCountry);
  // A merged duplicate's old number is an alias of its survivor (sql/0012_merge_erase.sql).
  const [row] = await db`select customer_json(c) as customer from customers c
    where c.tenant_id = ${caller.tenantId} and c.id = coalesce(
      (select id from customers where tenant_id = ${caller.tenantId} and phone = ${phone}),
      (select customer_id from customer_phone_aliases where tenant_id = ${caller.tenantId} and phone = ${phone}))`;
  return { phone, customer: row ? (row.customer as Customer) : null };
}

/**
 * A customer's ledger, newest first, keyset by seq, each row with who made it. One query for both
 * doors: the admin page shows the label; the API answers with `ledgerRowOf` of each entry.
 */
export async function ledgerPage(db: Db, caller: Caller, customerId: string, query: LedgerQuery): Promise<LedgerEntryPage> {
  authorize(caller, 'customers.read');
  if (!isCustomerId(customerId)) throw notFound('Customer');
  const after = decodeCursor(query.cursor);
  const [owner] = await db`select 1 from customers where id = ${customerId} and tenant_id = ${caller.tenantId}`;
  if (!owner) throw notFound('Customer');
  const rows = await db`select ledger_json(l) as row, ${actorLabelSql(db, 'l.actor')} as actor, l.seq from ledger l
    where l.customer_id = ${customerId} ${after !== null ? db`and l.seq < ${after}` : db``}
    order by l.seq desc limit ${query.limit + 1}`;
  return keysetPage(rows, query.limit, (r) => ({ ...(r.row as LedgerRow), actor: r.actor as string }));
}

/**
 * The v1 ledger row of an entry. The actor label names admins by email: it is for the tenant's own
 * staff pages, not part of the public contract.
 */
export function ledgerRowOf({ actor: _label, ...row }: LedgerEntry): LedgerRow {
  return row;
}
