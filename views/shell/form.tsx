/** What a form fragment is re-rendered with: the values sent back, field errors, a success line. */
export type FormState = {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  message?: string;
};

/** An inline error under a field (or `form` for the whole form); announced by screen readers. */
export function FieldError(p: { state: FormState; name: string; id?: string }) {
  const msg = p.state.errors?.[p.name];
  if (!msg) return p.id ? <span id={p.id} class="field-error" hidden></span> : null;
  return <p id={p.id} class="field-error" role="alert">{msg}</p>;
}
