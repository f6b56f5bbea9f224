import { FieldError, type FormState } from '../shell/form.tsx';
import { when } from '../shell/format.ts';

// The customer page's edit form and its edit history. The form carries the version it was rendered
// with and the values it showed (orig_*), so a save sends only what this admin changed and the server
// can tell "someone else saved first" (412) from a plain edit. A customer_updated event re-sends the
// form out of band: an untouched form takes the new values; a form being typed in keeps them
// (data-keep-edits) and shows the stale notice, and the save then meets the conflict view.

export const EDIT_FIELDS = ['name', 'phone', 'email', 'birthday', 'marketingOptIn', 'note'] as const;
export type EditField = (typeof EDIT_FIELDS)[number];
/** A form's values as the strings inputs hold: marketingOptIn is 'true' or 'false', blanks are ''. */
export type EditValues = Record<EditField, string>;

export const LABELS: Record<EditField, string> = {
  name: 'Name', phone: 'Phone', email: 'Email', birthday: 'Birthday', marketingOptIn: 'Marketing opt-in', note: 'Note',
};

/** A customer's editable fields; an erased or merged customer has no phone (null). */
type Editable = {
  name: string | null; phone: string | null; email: string | null; birthday: string | null; marketingOptIn: boolean; note: string | null;
};

export const valuesOf = (c: Editable): EditValues => ({
  name: c.name ?? '', phone: c.phone ?? '', email: c.email ?? '', birthday: c.birthday ?? '',
  marketingOptIn: String(c.marketingOptIn), note: c.note ?? '',
});

export const editFormId = (customerId: string) => `edit-${customerId}`;
export const historyBodyId = (customerId: string) => `history-${customerId}`;

/** How a value reads on screen: yes/no for the opt-in, a dash for blank. */
export function shown(field: EditField, v: string | boolean | null | undefined): string {
  if (field === 'marketingOptIn') return v === true || v === 'true' ? 'Yes' : 'No';
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

export type Conflict = {
  /** Who saved first, readable. */
  by: string;
  /** The fields both changed, to different values: shown side by side. */
  fields: EditField[];
  theirs: EditValues;
};

export function CustomerEditForm(p: {
  base: string; customerId: string; version: number; seq: number;
  /** What the inputs show. */
  values: EditValues;
  /** What the form was rendered with (the saved values at `version`). */
  orig: EditValues;
  state?: FormState; conflict?: Conflict; oob?: boolean;
}) {
  const s = p.state ?? {};
  const id = editFormId(p.customerId);
  const dirty = s.errors || p.conflict ? '1' : undefined;
  return (
    <form id={id} class="card stack edit-form" hx-post={`${p.base}/customers/${p.customerId}/edit`} hx-target="this"
      hx-swap="outerHTML" hx-disable="find button" data-seq={String(p.seq)} data-keep-edits data-dirty={dirty}
      hx-swap-oob={p.oob ? 'true' : undefined}>
      <h2>Details</h2>
      <p class="notice" role="status" data-stale-notice hidden>
        Someone else saved this customer while you were editing. Saving will show you both versions.
      </p>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      {p.conflict ? <ConflictView conflict={p.conflict} base={p.base} customerId={p.customerId} values={p.values} /> : null}
      <FieldError state={s} name="form" />
      <input type="hidden" name="version" value={String(p.version)} />
      {EDIT_FIELDS.map((f) => <input type="hidden" name={`orig_${f}`} value={p.orig[f]} />)}
      <div class="edit-grid">
        <TextField id={id} name="name" values={p.values} state={s} autocomplete="off" />
        <TextField id={id} name="phone" values={p.values} state={s} inputmode="tel" />
        <TextField id={id} name="email" values={p.values} state={s} type="email" />
        <TextField id={id} name="birthday" values={p.values} state={s} type="date" />
      </div>
      <label class="check">
        <input type="checkbox" name="marketingOptIn" value="true" checked={p.values.marketingOptIn === 'true'} />
        {' '}Agrees to marketing
      </label>
      <label for={`${id}-note`}>Note</label>
      <textarea id={`${id}-note`} name="note" rows={2} aria-invalid={s.errors?.note ? 'true' : undefined}
        aria-describedby={`${id}-note-error`}>{p.values.note}</textarea>
      <FieldError state={s} name="note" id={`${id}-note-error`} />
      {p.conflict ? null : <button type="submit" class="btn">Save details</button>}
    </form>
  );
}

function TextField(p: { id: string; name: EditField; values: EditValues; state: FormState; type?: string; inputmode?: 'tel' | 'email' | 'text'; autocomplete?: string }) {
  const fid = `${p.id}-${p.name}`;
  return (
    <div class="stack">
      <label for={fid}>{LABELS[p.name]}</label>
      <input id={fid} name={p.name} type={p.type ?? 'text'} inputmode={p.inputmode} autocomplete={p.autocomplete ?? 'off'}
        value={p.values[p.name]} aria-invalid={p.state.errors?.[p.name] ? 'true' : undefined} aria-describedby={`${fid}-error`} />
      <FieldError state={p.state} name={p.name} id={`${fid}-error`} />
    </div>
  );
}

/**
 * Both values of each field the two admins changed differently, and the two ways out: keep theirs
 * (reload the form with the saved values) or overwrite with mine (save again on top of their version).
 */
function ConflictView(p: { conflict: Conflict; base: string; customerId: string; values: EditValues }) {
  const { conflict } = p;
  return (
    <section class="notice conflict" role="alert" aria-label="Edit conflict">
      <p><strong>{conflict.by} saved this customer while you were editing.</strong> Choose which values to keep.</p>
      <table class="grid compare">
        <thead><tr><th scope="col">Field</th><th scope="col">Theirs (saved)</th><th scope="col">Yours</th></tr></thead>
        <tbody>
          {conflict.fields.map((f) => (
            <tr data-field={f}>
              <th scope="row">{LABELS[f]}</th>
              <td class="theirs">{shown(f, conflict.theirs[f])}</td>
              <td class="mine">{shown(f, p.values[f])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row-actions">
        <button type="button" class="btn secondary" hx-get={`${p.base}/customers/${p.customerId}/edit`} hx-target="closest form"
          hx-swap="outerHTML">Keep theirs</button>
        <button type="submit" class="btn warn">Overwrite with mine</button>
      </div>
    </section>
  );
}

export type HistoryView = {
  id: string;
  createdAt: string;
  actor: string;
  changes: Partial<Record<EditField, { from: string | boolean | null; to: string | boolean | null }>>;
};

export function HistoryRow(p: { tz: string; h: HistoryView; fresh?: boolean; seq?: number }) {
  const { h } = p;
  const fields = EDIT_FIELDS.filter((f) => h.changes[f]);
  return (
    <tr id={`hist-${h.id}`} class={p.fresh ? 'flash' : undefined} data-seq={p.seq === undefined ? undefined : String(p.seq)}>
      <td><time datetime={h.createdAt}>{when(h.createdAt, p.tz)}</time></td>
      <td>{h.actor}</td>
      <td class="prose">
        {fields.map((f, i) => (
          <>{i ? '; ' : ''}<span class="muted">{LABELS[f]}:</span> {shown(f, h.changes[f]!.from)} → {shown(f, h.changes[f]!.to)}</>
        ))}
      </td>
    </tr>
  );
}

export function HistoryTable(p: { tz: string; customerId: string; history: HistoryView[]; seq: number }) {
  return (
    <>
      <h2>Edit history</h2>
      <table class="grid">
        <caption class="sr-only">Who changed this customer's details, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">By</th><th scope="col">Changed</th></tr></thead>
        <tbody id={historyBodyId(p.customerId)} data-seq={String(p.seq)}>
          {p.history.map((h) => <HistoryRow tz={p.tz} h={h} />)}
        </tbody>
      </table>
      {p.history.length ? null : <p class="muted" data-empty-history>No edits yet.</p>}
    </>
  );
}
