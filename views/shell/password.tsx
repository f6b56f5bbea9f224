import { FieldError, type FormState } from './form.tsx';
import { BareLayout } from './layout.tsx';

/**
 * Set your own password. With a one-time password (`required`) it is the only page there is: no nav,
 * just the form and a way to sign out.
 */
export function PasswordPage(p: { base: string; csrf: string; email: string; required: boolean; state?: FormState }) {
  const s = p.state ?? {};
  const field = (name: string, label: string, autocomplete: string, hint?: string) => (
    <>
      <label for={`pw-${name}`}>{label}</label>
      <input id={`pw-${name}`} name={name} type="password" autocomplete={autocomplete} required
        aria-invalid={s.errors?.[name] ? 'true' : undefined} aria-describedby={`pw-${name}-error${hint ? ` pw-${name}-hint` : ''}`} />
      {hint ? <small id={`pw-${name}-hint`} class="muted">{hint}</small> : null}
      <FieldError state={s} name={name} id={`pw-${name}-error`} />
    </>
  );
  return (
    <BareLayout title="Choose your password">
      <h1>Choose your password</h1>
      <form method="post" action={`${p.base}/password`} class="card stack" id="password-form">
        {p.required
          ? <p role="status">You signed in as <strong>{p.email}</strong> with a one-time password. Choose your own to continue.</p>
          : <p>Signed in as <strong>{p.email}</strong>. Your other sessions end when you change it.</p>}
        <FieldError state={s} name="form" />
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="text" name="username" autocomplete="username" value={p.email} hidden />
        {field('current', p.required ? 'One-time password' : 'Current password', 'current-password')}
        {field('password', 'New password', 'new-password', 'At least 8 characters')}
        {field('confirm', 'New password again', 'new-password')}
        <button type="submit" class="btn">Save password</button>
      </form>
      <form method="post" action={`${p.base}/logout`} class="inline">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <button type="submit" class="btn link">Sign out</button>
      </form>
    </BareLayout>
  );
}
