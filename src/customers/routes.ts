import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { notFound } from '../platform/errors.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { normalizePhone } from './phone.ts';
import { Customer, LedgerRow } from './schemas.ts';
import { Email, Id, Name, Phone } from '../platform/fields.ts';
import { Cursor, decodeCursor, encodeCursor, Limit, page } from '../platform/pagination.ts';

const EnrolBody = z.object({ phone: Phone, name: Name.optional(), email: Email.optional() }).strict().openapi('EnrolCustomer');
const CustomerPage = page(Customer, 'CustomerPage');
const LedgerPage = page(LedgerRow, 'LedgerPage');
const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

const tags = ['Customers'];

const enrol = createRoute({
  method: 'post', path: '/customers', tags, security, summary: 'Enrol a customer',
  request: { headers: IdempotencyHeader, body: jsonBody(EnrolBody) },
  responses: { 201: json(Customer, 'Enrolled'), ...problems(400, 401, 409, 413, 422) },
});

const list = createRoute({
  method: 'get', path: '/customers', tags, security, summary: 'List and search customers, newest first',
  request: {
    query: z.object({
      q: z.string().max(100).optional().openapi({ description: 'Matches name, phone or email' }),
      limit: Limit, cursor: Cursor,
    }),
  },
  responses: { 200: json(CustomerPage, 'A page of customers'), ...problems(400, 401) },
});

const lookup = createRoute({
  method: 'get', path: '/customers/lookup', tags, security, summary: 'Find a customer by phone, in any common spelling',
  request: { query: z.object({ phone: Phone }) },
  responses: { 200: json(Customer, 'The customer'), ...problems(400, 401, 404) },
});

const get = createRoute({
  method: 'get', path: '/customers/{id}', tags, security, summary: 'Get a customer',
  request: { params: IdParam },
  responses: { 200: json(Customer, 'The customer'), ...problems(400, 401, 404) },
});

const transactions = createRoute({
  method: 'get', path: '/customers/{id}/transactions', tags, security, summary: "A customer's ledger, newest first",
  request: { params: IdParam, query: z.object({ limit: Limit, cursor: Cursor }) },
  responses: { 200: json(LedgerPage, 'A page of ledger rows'), ...problems(400, 401, 404) },
});

export function customerRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(enrol, async (c) => {
      const body = c.req.valid('json');
      const caller = c.get('caller');
      const phone = normalizePhone(body.phone, caller.defaultCountry);
      return idempotent(c, deps, body, async (tx) => {
        const [{ customer }] = await tx`select customer_enrol(${caller.tenantId}, ${phone},
          ${body.name ?? null}, ${body.email ?? null}, ${caller.actor}) as customer`;
        return { status: 201, body: customer };
      }) as never;
    })
    .openapi(list, async (c) => {
      const { q, limit, cursor } = c.req.valid('query');
      const { tenantId } = c.get('caller');
      const after = decodeCursor(cursor);
      const needle = q?.trim().toLowerCase();
      const rows = await sql`
        select customer_json(c) as customer, c.seq from customers c
        where c.tenant_id = ${tenantId}
          ${needle ? sql`and c.search_text like ${'%' + needle.replace(/[\\%_]/g, '\\$&') + '%'}` : sql``}
          ${after !== null ? sql`and c.seq < ${after}` : sql``}
        order by c.seq desc limit ${limit + 1}`;
      const more = rows.length > limit;
      const data = rows.slice(0, limit);
      return c.json({ data: data.map((r) => r.customer), nextCursor: more ? encodeCursor(data.at(-1)!.seq) : null }, 200);
    })
    .openapi(lookup, async (c) => {
      const caller = c.get('caller');
      const phone = normalizePhone(c.req.valid('query').phone, caller.defaultCountry);
      const [row] = await sql`select customer_json(c) as customer from customers c
        where tenant_id = ${caller.tenantId} and phone = ${phone}`;
      if (!row) throw notFound('Customer');
      return c.json(row.customer, 200);
    })
    .openapi(get, async (c) => {
      const [row] = await sql`select customer_json(c) as customer from customers c
        where tenant_id = ${c.get('caller').tenantId} and id = ${c.req.valid('param').id}`;
      if (!row) throw notFound('Customer');
      return c.json(row.customer, 200);
    })
    .openapi(transactions, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const { tenantId } = c.get('caller');
      const after = decodeCursor(cursor);
      const [owner] = await sql`select 1 from customers where id = ${id} and tenant_id = ${tenantId}`;
      if (!owner) throw notFound('Customer');
      const rows = await sql`select ledger_json(l) as row, l.seq from ledger l
        where l.customer_id = ${id} ${after !== null ? sql`and l.seq < ${after}` : sql``}
        order by l.seq desc limit ${limit + 1}`;
      const more = rows.length > limit;
      const data = rows.slice(0, limit);
      return c.json({ data: data.map((r) => r.row), nextCursor: more ? encodeCursor(data.at(-1)!.seq) : null }, 200);
    });
}
