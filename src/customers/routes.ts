import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { notFound } from '../platform/errors.ts';
import { IdParam } from '../platform/fields.ts';
import { idempotent } from '../platform/idempotency.ts';
import { IdempotencyHeader, json, jsonBody, newRouter, problems, security } from '../platform/openapi.ts';
import { customerByPhone, enrolCustomer, ledgerPage, ledgerRowOf, searchCustomers } from './customers.ts';
import { customerDetail } from './expiry.ts';
import { csvResponse, wantOf, exportCustomerLedger, exportCustomers } from './export.ts';
import { ExportFormat, jsonOrCsv, wantsCsv } from './exportRoutes.ts';
import { customerHistory, editCustomer, etagOf } from './edit.ts';
import { CustomerHistoryPage, EditCustomer, HistoryQuery, IfMatchHeader } from './editSchemas.ts';
import { Customer, CustomerDetail, CustomerPage, CustomerQuery, EnrolCustomer, LedgerPage, LedgerQuery, PhoneQuery } from './schemas.ts';

const tags = ['Customers'];

const enrol = createRoute({
  method: 'post', path: '/customers', tags, security, summary: 'Enrol a customer',
  request: { headers: IdempotencyHeader, body: jsonBody(EnrolCustomer) },
  responses: { 201: json(Customer, 'Enrolled'), ...problems(400, 401, 403, 409, 413, 415, 422) },
});

const list = createRoute({
  method: 'get', path: '/customers', tags, security, summary: 'List and search customers, newest first',
  request: { query: CustomerQuery.extend({ format: ExportFormat }) },
  responses: { 200: jsonOrCsv(CustomerPage, 'A page of customers, or all of them as CSV'), ...problems(400, 401, 403) },
});

const lookup = createRoute({
  method: 'get', path: '/customers/lookup', tags, security, summary: 'Find a customer by phone, in any common spelling',
  request: { query: PhoneQuery },
  responses: { 200: json(Customer, 'The customer'), ...problems(400, 401, 403, 404) },
});

const get = createRoute({
  method: 'get', path: '/customers/{id}', tags, security, summary: 'Get a customer',
  request: { params: IdParam },
  responses: { 200: { ...json(CustomerDetail, 'The customer, with the next points to expire'), headers: { ETag: { schema: { type: 'string' }, description: 'The version; send it as If-Match to edit' } } }, ...problems(400, 401, 403, 404) },
});

const edit = createRoute({
  method: 'patch', path: '/customers/{id}', tags, security, summary: 'Edit a customer (If-Match required)',
  description: 'Send only the fields to change; null clears one. A phone is normalised as at enrolment.',
  request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(EditCustomer) },
  responses: { 200: json(Customer, 'The customer as saved (its ETag in the header)'), ...problems(400, 401, 403, 404, 409, 412, 413, 415, 428) },
});

const history = createRoute({
  method: 'get', path: '/customers/{id}/history', tags, security, summary: "Who changed a customer's details, and when; newest first",
  request: { params: IdParam, query: HistoryQuery },
  responses: { 200: json(CustomerHistoryPage, 'A page of edits'), ...problems(400, 401, 403, 404) },
});

const transactions = createRoute({
  method: 'get', path: '/customers/{id}/transactions', tags, security, summary: "A customer's ledger, newest first",
  request: { params: IdParam, query: LedgerQuery.extend({ format: ExportFormat }) },
  responses: { 200: jsonOrCsv(LedgerPage, 'A page of ledger rows, or all of them (oldest first) as CSV'), ...problems(400, 401, 403, 404) },
});

export function customerRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(enrol, async (c) => {
      const body = c.req.valid('json');
      return idempotent(c, deps, body, async (tx) => ({ status: 201, body: await enrolCustomer(tx, c.get('caller'), body) }));
    })
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      if (wantsCsv(c, query.format)) return csvResponse(await exportCustomers(sql, c.get('caller'), query, wantOf(c.req.method, deps.config)));
      return c.json(await searchCustomers(sql, c.get('caller'), query), 200);
    })
    .openapi(lookup, async (c) => {
      const { customer } = await customerByPhone(sql, c.get('caller'), c.req.valid('query').phone);
      if (!customer) throw notFound('Customer');
      return c.json(customer, 200);
    })
    .openapi(get, async (c) => {
      const customer = await customerDetail(sql, c.get('caller'), c.req.valid('param').id);
      c.header('ETag', etagOf(customer));
      return c.json(customer, 200);
    })
    .openapi(edit, async (c) => {
      const customer = await editCustomer(sql, c.get('caller'), c.req.valid('param').id, c.req.valid('header')['if-match'], c.req.valid('json'));
      c.header('ETag', etagOf(customer));
      return c.json(customer, 200);
    })
    .openapi(history, async (c) => c.json(await customerHistory(sql, c.get('caller'), c.req.valid('param').id, c.req.valid('query')), 200))
    .openapi(transactions, async (c) => {
      const query = c.req.valid('query');
      if (wantsCsv(c, query.format)) return csvResponse(await exportCustomerLedger(sql, c.get('caller'), c.req.valid('param').id, wantOf(c.req.method, deps.config)));
      const { data, nextCursor } = await ledgerPage(sql, c.get('caller'), c.req.valid('param').id, c.req.valid('query'));
      return c.json({ data: data.map(ledgerRowOf), nextCursor }, 200);
    });
}
