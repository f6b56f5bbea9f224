import { customerRewards } from '../rewards/rewards.ts';
import { RewardProgress } from '../../views/rewards.tsx';
import { Hono } from 'hono';
import type { Caller } from '../identity/caller.ts';
import type { Deps } from '../platform/deps.ts';
import type { Db } from '../platform/database.ts';
import { historyOf } from './customerEdit.tsx';
import { customerById, enrolCustomer, ledgerPage, searchCustomers } from '../customers/customers.ts';
import { nextExpiry } from '../customers/expiry.ts';
import { addPoints, adjustPoints, redeemPoints } from '../customers/points.ts';
import { EnrolCustomer, PointsAdjustment, PointsChange, type PointsResult } from '../customers/schemas.ts';
import { NumbersOob } from '../../views/customers/balance.tsx';
import { CustomerPage, LedgerMore, LedgerRow, PointsForm, type PointsAction, ledgerBodyId } from '../../views/customers/detail.tsx';
import { VisitHistory } from '../../views/customers/visits.tsx';
import { customerGiftCards, customerOrders } from '../customers/visits.ts';
import { csvResponse, wantOf, exportCustomerLedger, exportCustomers, exportLedger } from '../customers/export.ts';
import { RangeQuery } from '../reports/schemas.ts';
import { ApiError } from '../platform/errors.ts';
import { CustomerResults, CustomerRows, CustomersPage, EnrolForm, type CustomerPage as Page } from '../../views/customers/list.tsx';
import { DuplicatesPanel, ErasePanel } from '../../views/customers/mergeErase.tsx';
import { WalletLinkPanel } from '../../views/customers/wallet.tsx';
import type { FormState } from '../../views/shell/form.tsx';
import { signed } from '../../views/shell/format.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { Prepend } from '../../views/shell/prepend.tsx';
import { type FieldErrors, formFields, numberField, optionalText, parseForm, refusal } from './forms.ts';
import { type AdminEnv, change, fragment, meta, page, snapshot, zone } from './context.ts';

const PAGE_SIZE = 50;
const LEDGER_PAGE = 50;
/** The newest orders the customer page lists; the API pages through the rest. */
const VISIT_PAGE = 20;

/** A page of the customer list (the same search as GET /api/v1/customers), with its "Load more" link. */
async function customerList(db: Db, caller: Caller, base: string, q: string, cursor: string | undefined): Promise<Page> {
  // The search box has no length limit of its own; the API's is 100 characters.
  const needle = q.trim().slice(0, 100);
  const { data, nextCursor } = await searchCustomers(db, caller, { q: needle, limit: PAGE_SIZE, cursor });
  const nextHref = nextCursor ? `${base}/customers/rows?${new URLSearchParams({ q: needle, cursor: nextCursor })}` : null;
  return { rows: data, nextHref };
}

async function ledgerList(db: Db, caller: Caller, base: string, customerId: string, cursor: string | undefined) {
  const { data, nextCursor } = await ledgerPage(db, caller, customerId, { limit: LEDGER_PAGE, cursor });
  return { ledger: data, moreHref: nextCursor ? `${base}/customers/${customerId}/ledger?cursor=${nextCursor}` : null };
}

/** A blank field is absent (so the schema says "Enter …"); anything typed is a number or NaN. */
const pointsField = (raw: string | undefined) => (raw ? numberField(raw) : undefined);

/**
 * A points form's fields validated with the API's schema for that action, and the domain command it
 * runs: the same bounds and words as POST /api/v1/customers/{id}/points/{action}.
 */
export function pointsCommand(action: PointsAction, f: Record<string, string>):
  { errors: FieldErrors } | { points: number; run: (db: Db, caller: Caller, customerId: string) => Promise<PointsResult> } {
  const input = { points: pointsField(f.points), reason: optionalText(f.reason) };
  if (action === 'adjust') {
    const parsed = parseForm(PointsAdjustment, input);
    if (parsed.errors) return { errors: parsed.errors };
    return { points: parsed.data.points, run: (db, caller, id) => adjustPoints(db, caller, id, parsed.data) };
  }
  const parsed = parseForm(PointsChange, input);
  if (parsed.errors) return { errors: parsed.errors };
  const command = action === 'add' ? addPoints : redeemPoints;
  return { points: parsed.data.points, run: (db, caller, id) => command(db, caller, id, parsed.data) };
}

export function doneMessage(action: PointsAction, points: number, balance: number) {
  const verb = action === 'add' ? `Added ${points}` : action === 'redeem' ? `Redeemed ${points}` : `Adjusted by ${signed(points)}`;
  return `${verb} points. Balance now ${balance.toLocaleString('en-GB')}.`;
}

export function customerPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/customers', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const q = c.req.query('q') ?? '';
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerList(tx, caller, base, q, undefined));
    return page(c, <CustomersPage meta={meta(c, seq)} page={data} q={q} />);
  });

  // Active search swaps the whole results table (so the live "new customers" body is there only when
  // unfiltered), and keeps the address bar in step so Refresh and reload show the same search.
  // CSV downloads: the same exports as the API's ?format=csv and GET /api/v1/ledger (customers.export).
  app.get('/customers/export', async (c) =>
    csvResponse(await exportCustomers(sql, c.get('caller'), { q: (c.req.query('q') ?? '').slice(0, 100) }, wantOf(c.req.method, deps.config))));

  app.get('/customers/export/ledger', async (c) => {
    const parsed = RangeQuery.safeParse({ from: c.req.query('from'), to: c.req.query('to') });
    if (!parsed.success) throw new ApiError(400, 'validation_failed', 'Choose the first and last day of the ledger to export.');
    return csvResponse(await exportLedger(sql, c.get('caller'), parsed.data, wantOf(c.req.method, deps.config)));
  });

  app.get('/customers/:id/export', async (c) => csvResponse(await exportCustomerLedger(sql, c.get('caller'), c.req.param('id'), wantOf(c.req.method, deps.config))));

  app.get('/customers/results', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const q = (c.req.query('q') ?? '').trim();
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerList(tx, caller, base, q, undefined));
    c.header('HX-Replace-Url', `${base}/customers${q ? `?${new URLSearchParams({ q })}` : ''}`);
    return fragment(c, <CustomerResults page={data} seq={seq} base={base} q={q} />);
  });

  app.get('/customers/rows', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) =>
      customerList(tx, caller, base, c.req.query('q') ?? '', c.req.query('cursor')));
    return fragment(c, <CustomerRows page={data} seq={seq} base={base} />);
  });

  app.post('/customers', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    const values = { phone: f.phone ?? '', name: f.name ?? '', email: f.email ?? '' };
    const again = (errors: FieldErrors) => fragment(c, <EnrolForm base={base} state={{ values, errors }} />, 422);
    const parsed = parseForm(EnrolCustomer, { phone: values.phone, name: optionalText(values.name), email: optionalText(values.email) });
    if (parsed.errors) return again(parsed.errors);
    try {
      const customer = await enrolCustomer(sql, caller, parsed.data);
      return fragment(c, <EnrolForm base={base} state={{ message: `Enrolled ${customer.name ?? customer.phone}.` }} />);
    } catch (err) {
      return again(refusal(err, 'phone'));
    }
  });

  app.get('/customers/:id', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => {
      const customer = await customerById(tx, caller, c.req.param('id'));
      const orders = await customerOrders(tx, caller, customer.id, { limit: VISIT_PAGE });
      const giftCards = await customerGiftCards(tx, caller, customer.id);
      const history = await historyOf(tx, caller, customer.id);
      const rewards = await customerRewards(tx, caller, customer.id);
      const expiry = await nextExpiry(tx, caller.tenantId, customer.id);
      return { customer, orders, giftCards, history, rewards, expiry, ...(await ledgerList(tx, caller, base, customer.id, undefined)) };
    });
    const visits = <VisitHistory tz={zone(c)} orders={data.orders.data} moreOrders={data.orders.nextCursor !== null}
      giftCards={data.giftCards.data} currency={c.get('session').currency}
      issueHref={data.customer.phone !== null ? `${base}/gift-cards?customerId=${data.customer.id}` : undefined} />;
    const cust = data.customer;
    return page(c, (
      <CustomerPage meta={meta(c, seq)} c={cust} ledger={data.ledger} moreHref={data.moreHref} history={data.history} visits={visits}
        nextExpiry={data.expiry}>
        <RewardProgress base={base} customerId={cust.id} seq={seq} balance={cust.pointsBalance} next={data.rewards.next} affordable={data.rewards.affordable.length} />
        <DuplicatesPanel base={base} customerId={cust.id} />
        {cust.phone !== null ? <WalletLinkPanel base={base} customerId={cust.id} /> : null}
        {caller.role === 'owner' ? <ErasePanel base={base} customerId={cust.id} erased={cust.phone === null} /> : null}
      </CustomerPage>
    ));
  });

  app.get('/customers/:id/ledger', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const { ledger, moreHref } = await ledgerList(sql, caller, base, c.req.param('id'), c.req.query('cursor'));
    return fragment(c, <LedgerMore tz={zone(c)} ledger={ledger} moreHref={moreHref} />);
  });

  app.post('/customers/:id/points/:action{add|redeem|adjust}', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const action = c.req.param('action') as PointsAction;
    const id = c.req.param('id');
    const f = await formFields(c);
    const values = { points: f.points ?? '', reason: f.reason ?? '' };
    const again = (state: FormState, status: number) =>
      fragment(c, <PointsForm base={base} customerId={id} action={action} state={state} />, status);

    const command = pointsCommand(action, f);
    if ('errors' in command) return again({ values, errors: command.errors }, 422);
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) => command.run(tx, caller, id));
      const { customer: cust, transaction } = data;
      // The acting page updates at once, from the same values and event id the stream will carry.
      return fragment(c, <>
        <PointsForm base={base} customerId={id} action={action} state={{ message: doneMessage(action, command.points, cust.pointsBalance) }} />
        <NumbersOob seq={seq} n={{ customerId: cust.id, pointsBalance: cust.pointsBalance, totalPointsEarned: cust.totalPointsEarned, totalPointsRedeemed: cust.totalPointsRedeemed }} />
        <Prepend target={ledgerBodyId(cust.id)}>
          <LedgerRow tz={zone(c)} fresh seq={seq} l={{ ...transaction, actor: c.get('session').email }} />
        </Prepend>
      </>);
    } catch (err) {
      return again({ values, errors: refusal(err, 'points') }, 409);
    }
  });

  return app;
}
