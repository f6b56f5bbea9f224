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

import { applyPoints, customerById, customerCols, doneMessage, refusal } from './customers.tsx';

export function posPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();
  // POS loyalty terminal -------------------------------------------------------------------------

  app.get('/pos', async (c) => {
    const { tenantId } = c.get('caller');
    const { seq } = await snapshot(sql, tenantId, async () => null);
    return page(c, <PosPage meta={meta(c, seq)} />);
  });

  app.get('/pos/lookup', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const raw = (c.req.query('phone') ?? '').trim();
    let phone: string;
    try {
      phone = normalizePhone(raw, caller.defaultCountry);
    } catch {
      return fragment(c, <PosCard base={base} c={null} seq={0} state={{ errors: { phone: `"${raw}" is not a phone number.` } }} />);
    }
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => {
      const [row] = await tx`select ${customerCols(tx)} from customers c where c.tenant_id = ${caller.tenantId} and c.phone = ${phone}`;
      return (row as unknown as CustomerView) ?? null;
    });
    return fragment(c, <PosCard base={base} c={data} seq={seq} phone={phone} notFound={!data} />);
  });

  app.post('/pos/enrol', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    try {
      const phone = normalizePhone(f.phone ?? '', caller.defaultCountry);
      const { seq, data } = await change(sql, caller.tenantId, async (tx) => {
        const [{ customer }] = await tx`select customer_enrol(${caller.tenantId}, ${phone}, ${f.name || null}, ${null}, ${caller.actor}) as customer`;
        return customer as CustomerView;
      });
      return fragment(c, <PosCard base={base} c={data} seq={seq} state={{ message: `Enrolled ${data.name ?? data.phone}.` }} />);
    } catch (err) {
      return fragment(c, <PosCard base={base} c={null} seq={0} state={{ errors: refusal(err, 'phone') }} />, 422);
    }
  });

  app.post('/pos/:id/:action{add|redeem}', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const action = c.req.param('action') as 'add' | 'redeem';
    const id = c.req.param('id');
    const f = await formFields(c);
    const current = async () => snapshot(sql, caller.tenantId, (tx) => customerById(tx, caller.tenantId, id));
    const raw = f.quick || f.points || '';
    const points = parsePoints(raw, false);
    if (typeof points === 'string') {
      const { seq, data } = await current();
      if (!data) throw new ApiError(404, 'not_found', 'Customer not found.');
      return fragment(c, <PosCard base={base} c={data} seq={seq} action={action} state={{ values: { points: raw }, errors: { points } }} />, 422);
    }
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) =>
        applyPoints(tx, caller.tenantId, id, action, points, action === 'add' ? 'Added at POS' : 'Redeemed at POS', caller.actor));
      const cust = { ...data.customer, email: null } as unknown as CustomerView;
      return fragment(c, <PosCard base={base} c={cust} seq={seq} action={action}
        state={{ message: doneMessage(action, points, cust.pointsBalance) }} />);
    } catch (err) {
      const errors = refusal(err, 'form');
      const { seq, data } = await current();
      if (!data) throw new ApiError(404, 'not_found', 'Customer not found.');
      return fragment(c, <PosCard base={base} c={data} seq={seq} action={action} state={{ errors }} />, 409);
    }
  });


  return app;
}
