import { Hono } from 'hono';
import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { customerById } from '../customers/customers.ts';
import { customerHistory, editCustomer } from '../customers/edit.ts';
import { EditCustomer } from '../customers/editSchemas.ts';
import type { Customer } from '../customers/schemas.ts';
import {
  CustomerEditForm, EDIT_FIELDS, type EditField, type EditValues, type HistoryView, HistoryRow, historyBodyId, valuesOf,
} from '../../views/customers/edit.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { Prepend } from '../../views/shell/prepend.tsx';
import { type AdminEnv, change, fragment, snapshot, zone } from './context.ts';
import { type FieldErrors, formFields, parseForm, refusal } from './forms.ts';

// The customer page's edit form (views/customers/edit.tsx). A save sends only the fields this admin
// changed, with the version the form was rendered with, through the same domain command as
// PATCH /api/v1/customers/{id}. When another admin saved first (412), changes to different fields are
// simply applied on top of theirs; the same field changed two ways is shown side by side to choose.

const HISTORY_PAGE = 50;

/** The page's edit history (newest first), as the history rows render it. */
export async function historyOf(db: Db, caller: Caller, customerId: string): Promise<HistoryView[]> {
  return (await customerHistory(db, caller, customerId, { limit: HISTORY_PAGE, cursor: undefined })).data;
}

/** The form's strings as the API's fields: a blank clears, the checkbox is a boolean. */
function fieldsOf(v: EditValues): Record<EditField, unknown> {
  const blankIsNull = (x: string) => (x === '' ? null : x);
  return {
    name: blankIsNull(v.name), phone: v.phone, email: blankIsNull(v.email), birthday: blankIsNull(v.birthday),
    marketingOptIn: v.marketingOptIn === 'true', note: blankIsNull(v.note),
  };
}

/**
 * The whole form is validated (a blank phone is refused even if it was blank before), and the patch is
 * only the fields that differ from what the form was rendered with.
 */
function patchOf(mine: EditValues, orig: EditValues): { data: EditCustomer; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
  const parsed = parseForm(EditCustomer, fieldsOf(mine));
  if (parsed.errors) return parsed;
  const changed = EDIT_FIELDS.filter((f) => mine[f] !== orig[f]);
  return { data: Object.fromEntries(changed.map((f) => [f, parsed.data[f]])) as EditCustomer };
}

export function customerEditPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  const freshForm = async (caller: Caller, id: string, message?: string) => {
    const { seq, data: c } = await snapshot(sql, caller.tenantId, (tx) => customerById(tx, caller, id));
    return { c, form: <CustomerEditForm base={adminBase(caller.tenantSlug)} customerId={c.id} version={c.version} seq={seq}
      values={valuesOf(c)} orig={valuesOf(c)} state={message ? { message } : undefined} /> };
  };

  // "Keep theirs": the form again, with the values as saved now.
  app.get('/customers/:id/edit', async (c) => fragment(c, (await freshForm(c.get('caller'), c.req.param('id'))).form));

  app.post('/customers/:id/edit', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    const f = await formFields(c);
    const mine = Object.fromEntries(EDIT_FIELDS.map((k) => [k, k === 'marketingOptIn' ? String(f[k] === 'true') : (f[k] ?? '')])) as EditValues;
    const orig = Object.fromEntries(EDIT_FIELDS.map((k) => [k, f[`orig_${k}`] ?? ''])) as EditValues;
    const version = /^\d{1,9}$/.test(f.version ?? '') ? Number(f.version) : 0;
    // A refusal is stamped 0: it reflects what was typed, never an event, so the page keeps it.
    const again = (errors: Record<string, string>, status: number) =>
      fragment(c, <CustomerEditForm base={base} customerId={id} version={version} seq={0} values={mine} orig={orig} state={{ errors }} />, status);

    const parsed = patchOf(mine, orig);
    if (parsed.errors) return again(parsed.errors, 422);

    const save = async (basedOn: number) => {
      const { seq, data } = await change(sql, caller.tenantId, async (tx) => {
        const saved = await editCustomer(tx, caller, id, `"${basedOn}"`, parsed.data);
        // An edit that changed nothing keeps the version and records no history row.
        const latest = saved.version > basedOn ? (await customerHistory(tx, caller, id, { limit: 1, cursor: undefined })).data[0] : undefined;
        return { saved, latest };
      });
      return { seq, ...data };
    };

    try {
      let result;
      try {
        result = await save(version);
      } catch (err) {
        const p = toProblem(err);
        if (p.code !== 'precondition_failed') throw err;
        const theirs = p.current as Customer;
        const saved = valuesOf(theirs);
        // Fields both admins changed, to different values, are this admin's to decide; anything else
        // (they changed the name, I changed the note) goes on top of their version as it is.
        const both = EDIT_FIELDS.filter((k) => mine[k] !== orig[k] && saved[k] !== orig[k] && saved[k] !== mine[k]);
        if (both.length) {
          const by = (await customerHistory(sql, caller, id, { limit: 1, cursor: undefined })).data[0]?.actor ?? 'Someone else';
          const merged = Object.fromEntries(EDIT_FIELDS.map((k) => [k, mine[k] !== orig[k] ? mine[k] : saved[k]])) as EditValues;
          return fragment(c, <CustomerEditForm base={base} customerId={id} version={theirs.version} seq={0} values={merged}
            orig={saved} conflict={{ by, fields: both as EditField[], theirs: saved }} />, 409);
        }
        result = await save(theirs.version);
      }
      const { seq, saved, latest } = result;
      return fragment(c, <>
        <CustomerEditForm base={base} customerId={id} version={saved.version} seq={seq} values={valuesOf(saved)} orig={valuesOf(saved)}
          state={{ message: latest ? 'Saved.' : 'Nothing changed.' }} />
        {latest
          ? <Prepend target={historyBodyId(id)}><HistoryRow tz={zone(c)} fresh seq={seq} h={latest} /></Prepend>
          : null}
      </>);
    } catch (err) {
      // 409 customer_exists is about the phone; anything else the form can act on goes on top.
      return again(refusal(err, toProblem(err).code === 'customer_exists' ? 'phone' : 'form'), 409);
    }
  });

  return app;
}
