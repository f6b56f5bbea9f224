import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { customerById, customerByPhone, enrolCustomer } from '../customers/customers.ts';
import { EnrolCustomer, PhoneQuery } from '../customers/schemas.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { PosCard, PosPage } from '../../views/pos.tsx';
import { formFields, optionalText, parseForm, refusal } from './forms.ts';
import { type AdminEnv, change, fragment, meta, page, snapshot } from './context.ts';
import { doneMessage, pointsCommand } from './customers.tsx';

// The POS loyalty terminal: look up by phone, enrol, add and redeem. The same domain functions and
// schemas as the API (and the Customers page), with the terminal's own reasons on the ledger.

const POS_REASON = { add: 'Added at POS', redeem: 'Redeemed at POS' } as const;

export function posPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/pos', async (c) => {
    const { tenantId } = c.get('caller');
    const { seq } = await snapshot(sql, tenantId, async () => null);
    return page(c, <PosPage meta={meta(c, seq)} />);
  });

  app.get('/pos/lookup', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const parsed = parseForm(PhoneQuery, { phone: c.req.query('phone') ?? '' });
    if (parsed.errors) return fragment(c, <PosCard base={base} c={null} seq={0} state={{ errors: parsed.errors }} />);
    try {
      const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => customerByPhone(tx, caller, parsed.data.phone));
      return fragment(c, <PosCard base={base} c={data.customer} seq={seq} phone={data.phone} notFound={!data.customer} />);
    } catch (err) {
      return fragment(c, <PosCard base={base} c={null} seq={0} state={{ errors: refusal(err, 'phone') }} />);
    }
  });

  app.post('/pos/enrol', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    const parsed = parseForm(EnrolCustomer, { phone: f.phone ?? '', name: optionalText(f.name) });
    if (parsed.errors) {
      const errors = parsed.errors.phone ? parsed.errors : { phone: Object.values(parsed.errors)[0] };
      return fragment(c, <PosCard base={base} c={null} seq={0} state={{ errors }} />, 422);
    }
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) => enrolCustomer(tx, caller, parsed.data));
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
    const raw = f.quick || f.points || '';
    const current = () => snapshot(sql, caller.tenantId, (tx) => customerById(tx, caller, id));
    const command = pointsCommand(action, { points: raw, reason: POS_REASON[action] });
    if ('errors' in command) {
      const { seq, data } = await current();
      return fragment(c, <PosCard base={base} c={data} seq={seq} action={action}
        state={{ values: { points: raw }, errors: { points: command.errors.points ?? Object.values(command.errors)[0] } }} />, 422);
    }
    try {
      const { seq, data } = await change(sql, caller.tenantId, (tx) => command.run(tx, caller, id));
      return fragment(c, <PosCard base={base} c={data.customer} seq={seq} action={action}
        state={{ message: doneMessage(action, command.points, data.customer.pointsBalance) }} />);
    } catch (err) {
      const errors = refusal(err, 'form');
      const { seq, data } = await current();
      return fragment(c, <PosCard base={base} c={data} seq={seq} action={action} state={{ errors }} />, 409);
    }
  });

  return app;
}
