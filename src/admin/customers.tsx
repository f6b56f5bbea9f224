import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { ApiError, toProblem } from '../platform/errors.ts';
import { normalizePhone } from '../customers/phone.ts';
import { decodeCursor, encodeCursor } from '../platform/pagination.ts';
import { NumbersOob } from '../../views/balance.tsx';
import {
  CustomerPage, LedgerMore, LedgerRow, type LedgerView, PointsForm, type PointsAction, ledgerBodyId,
} from '../../views/customer.tsx';
import {
  CustomerResults, CustomerRows, CustomersPage, EnrolForm, type CustomerPage as Page, type CustomerView,
} from '../../views/customers.tsx';
import type { FormState } from '../../views/form.tsx';
import { signed } from '../../views/format.ts';
import { adminBase } from '../../views/layout.tsx';
import { PosCard, PosPage } from '../../views/pos.tsx';
import { Prepend } from '../../views/prepend.tsx';
import { actorLabelSql } from '../identity/actors.ts';
import { formFields } from './forms.ts';
import { type AdminEnv, change, fragment, isUuid, meta, page, parsePoints, snapshot } from './context.ts';

const PAGE_SIZE = 50;
const LEDGER_PAGE = 50;

export const customerCols = (sql: Sql | Tx) => sql`c.id, c.seq, c.phone, c.name, c.email, c.points_balance as "pointsBalance",
  c.total_points_earned as "totalPointsEarned", c.total_points_redeemed as "totalPointsRedeemed"`;

/**
 * A page of customers, newest first. Search uses the pg_trgm index on search_text (a substring LIKE
 * is what that index serves); pages are keyset by seq so page 2,000 costs what page 1 does.
 */
export async function customerPage(tx: Sql | Tx, tenantId: string, base: string, q: string, cursor: string | undefined): Promise<Page> {
  const needle = q.trim().toLowerCase().slice(0, 100);
  const after = decodeCursor(cursor);
  const rows = await tx`select ${customerCols(tx)} from customers c
    where c.tenant_id = ${tenantId}
      ${needle ? tx`and c.search_text like ${'%' + needle.replace(/[\\%_]/g, '\\$&') + '%'}` : tx``}
      ${after !== null ? tx`and c.seq < ${after}` : tx``}
    order by c.seq desc limit ${PAGE_SIZE + 1}`;
  const more = rows.length > PAGE_SIZE;
  const list = rows.slice(0, PAGE_SIZE) as unknown as (CustomerView & { seq: number })[];
  const nextHref = more
    ? `${base}/customers/rows?${new URLSearchParams({ q: needle, cursor: encodeCursor(list.at(-1)!.seq) })}`
    : null;
  return { rows: list, nextHref };
}

export async function customerById(tx: Sql | Tx, tenantId: string, id: string): Promise<CustomerView | null> {
  if (!isUuid(id)) return null;
  const [row] = await tx`select ${customerCols(tx)} from customers c where c.tenant_id = ${tenantId} and c.id = ${id}`;
  return (row as unknown as CustomerView) ?? null;
}

export async function ledgerPage(tx: Sql | Tx, customerId: string, base: string, cursor: string | undefined) {
  const after = decodeCursor(cursor);
  const rows = await tx`select l.id, l.seq, l.type, l.points, l.balance_after as "balanceAfter", l.reason,
      l.order_id as "orderId", iso(l.created_at) as "createdAt", ${actorLabelSql(tx, 'l.actor')} as actor
    from ledger l where l.customer_id = ${customerId} ${after !== null ? tx`and l.seq < ${after}` : tx``}
    order by l.seq desc limit ${LEDGER_PAGE + 1}`;
  const more = rows.length > LEDGER_PAGE;
  const ledger = rows.slice(0, LEDGER_PAGE) as unknown as (LedgerView & { seq: number })[];
  const moreHref = more ? `${base}/customers/${customerId}/ledger?cursor=${encodeCursor(ledger.at(-1)!.seq)}` : null;
  return { ledger, moreHref };
}

/** A domain refusal as inline form errors; anything unexpected stays on the one error path. */
export function refusal(err: unknown, field: string): FormState['errors'] {
  const p = toProblem(err);
  if (p.status >= 500 || p.status === 404 || p.status === 403) throw err;
  const fieldErrors = Array.isArray(p.errors) ? (p.errors as { path: string; message: string }[]) : [];
  const phone = fieldErrors.find((e) => e.path === 'phone');
  if (phone) return { phone: p.detail };
  if (p.code === 'insufficient_points') {
    return { [field]: `Not enough points: ${p.available} available, ${p.requested} requested.` };
  }
  return { [field]: p.detail };
}

type PointsResult = { customer: { id: string; pointsBalance: number; totalPointsEarned: number; totalPointsRedeemed: number; name: string | null; phone: string }; transaction: any };

/** The same SQL functions the API calls: the rule lives in one place. */
export async function applyPoints(tx: Tx, tenantId: string, customerId: string, action: PointsAction, points: number, reason: string | null, actor: string) {
  const [{ r }] = action === 'add'
    ? await tx`select points_add(${tenantId}, ${customerId}, ${points}, ${reason}, ${null}, ${actor}) as r`
    : action === 'redeem'
      ? await tx`select points_redeem(${tenantId}, ${customerId}, ${points}, ${reason}, ${null}, ${actor}) as r`
      : await tx`select points_adjust(${tenantId}, ${customerId}, ${points}, ${reason ?? ''}, ${actor}) as r`;
  return r as PointsResult;
}

export function doneMessage(action: PointsAction, points: number, balance: number) {
  const verb = action === 'add' ? `Added ${points}` : action === 'redeem' ? `Redeemed ${points}` : `Adjusted by ${signed(points)}`;
  return `${verb} points. Balance now ${balance.toLocaleString('en-GB')}.`;
}

export function customerPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/customers', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const q = c.req.query('q') ?? '';
    const { seq, data } = await snapshot(sql, tenantId, (tx) => customerPage(tx, tenantId, base, q, undefined));
    return page(c, <CustomersPage meta={meta(c, seq)} page={data} q={q} />);
  });

  // Active search swaps the whole results table (so the live "new customers" body is there only when
  // unfiltered), and keeps the address bar in step so Refresh and reload show the same search.
  app.get('/customers/results', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const q = (c.req.query('q') ?? '').trim();
    const { seq, data } = await snapshot(sql, tenantId, (tx) => customerPage(tx, tenantId, base, q, undefined));
    c.header('HX-Replace-Url', `${base}/customers${q ? `?${new URLSearchParams({ q })}` : ''}`);
    return fragment(c, <CustomerResults page={data} seq={seq} base={base} q={q} />);
  });

  app.get('/customers/rows', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const { seq, data } = await snapshot(sql, tenantId, (tx) =>
      customerPage(tx, tenantId, base, c.req.query('q') ?? '', c.req.query('cursor')));
    return fragment(c, <CustomerRows page={data} seq={seq} base={base} />);
  });

  app.post('/customers', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    const values = { phone: f.phone ?? '', name: f.name ?? '', email: f.email ?? '' };
    if (!values.phone) return fragment(c, <EnrolForm base={base} state={{ values, errors: { phone: 'Enter a phone number.' } }} />, 422);
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) {
      return fragment(c, <EnrolForm base={base} state={{ values, errors: { email: 'That does not look like an email address.' } }} />, 422);
    }
    try {
      const phone = normalizePhone(values.phone, caller.defaultCountry);
      const [{ customer }] = await sql`select customer_enrol(${caller.tenantId}, ${phone}, ${values.name || null},
        ${values.email || null}, ${caller.actor}) as customer`;
      return fragment(c, <EnrolForm base={base} state={{ message: `Enrolled ${customer.name ?? customer.phone}.` }} />);
    } catch (err) {
      return fragment(c, <EnrolForm base={base} state={{ values, errors: refusal(err, 'phone') }} />, 422);
    }
  });

  app.get('/customers/:id', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const { seq, data } = await snapshot(sql, tenantId, async (tx) => {
      const customer = await customerById(tx, tenantId, c.req.param('id'));
      return customer ? { customer, ...(await ledgerPage(tx, customer.id, base, undefined)) } : null;
    });
    if (!data) throw new ApiError(404, 'not_found', 'Customer not found.');
    return page(c, <CustomerPage meta={meta(c, seq)} c={data.customer} ledger={data.ledger} moreHref={data.moreHref} />);
  });

  app.get('/customers/:id/ledger', async (c) => {
    const { tenantId } = c.get('caller');
    const base = adminBase(c.get('session').tenantSlug);
    const customer = await customerById(sql, tenantId, c.req.param('id'));
    if (!customer) throw new ApiError(404, 'not_found', 'Customer not found.');
    const { ledger, moreHref } = await ledgerPage(sql, customer.id, base, c.req.query('cursor'));
    return fragment(c, <LedgerMore ledger={ledger} moreHref={moreHref} />);
  });

  app.post('/customers/:id/points/:action{add|redeem|adjust}', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const action = c.req.param('action') as PointsAction;
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Customer not found.');
    const f = await formFields(c);
    const values = { points: f.points ?? '', reason: f.reason ?? '' };
    const again = (state: FormState, status: number) =>
      fragment(c, <PointsForm base={base} customerId={id} action={action} state={state} />, status);

    const points = parsePoints(values.points, action === 'adjust');
    if (typeof points === 'string') return again({ values, errors: { points } }, 422);
    if (action === 'adjust' && !values.reason) return again({ values, errors: { reason: 'An adjustment needs a reason.' } }, 422);
    if (values.reason.length > 500) return again({ values, errors: { reason: 'At most 500 characters.' } }, 422);
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) =>
        applyPoints(tx, caller.tenantId, id, action, points, values.reason || null, caller.actor));
      const cust = data.customer;
      const ledgerRow = data.transaction;
      // The acting page updates at once, from the same values and event id the stream will carry.
      return fragment(c, <>
        <PointsForm base={base} customerId={id} action={action} state={{ message: doneMessage(action, points, cust.pointsBalance) }} />
        <NumbersOob seq={seq} n={{ customerId: cust.id, pointsBalance: cust.pointsBalance, totalPointsEarned: cust.totalPointsEarned, totalPointsRedeemed: cust.totalPointsRedeemed }} />
        <Prepend target={ledgerBodyId(cust.id)}>
          <LedgerRow fresh seq={seq} l={{ ...ledgerRow, actor: c.get('session').email }} />
        </Prepend>
      </>);
    } catch (err) {
      return again({ values, errors: refusal(err, 'points') }, 409);
    }
  });

  return app;
}
