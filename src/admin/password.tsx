import { Hono } from 'hono';
import { changeOwnPassword, OwnPasswordChange } from '../identity/ownPassword.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { PasswordPage } from '../../views/shell/password.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, page } from './context.ts';
import { formFields, parseForm } from './forms.ts';
import type { Session } from '../identity/sessions.ts';
import type { FormState } from '../../views/shell/form.tsx';
import { toProblem } from '../platform/errors.ts';

/** Paths a session with a one-time password may still reach (src/admin/app.tsx's gate). */
export const ONE_TIME_PASSWORD_PATHS: ReadonlySet<string> = new Set(['/password', '/logout']);

/**
 * /password: an admin sets their own password (identity/ownPassword.ts). A plain form, not htmx: with a
 * one-time password this is the whole back office until it is done, and success goes to the dashboard.
 */
export function passwordPages(deps: LiveDeps) {
  const app = new Hono<AdminEnv>();
  const view = (s: Session, state?: FormState) =>
    <PasswordPage base={adminBase(s.tenantSlug)} csrf={s.csrf} email={s.email} required={s.passwordMustChange} state={state} />;

  app.get('/password', (c) => page(c, view(c.get('session'))));

  app.post('/password', async (c) => {
    const f = await formFields(c);
    const parsed = parseForm(OwnPasswordChange, { current: f.current ?? '', password: f.password ?? '', confirm: f.confirm ?? '' });
    if (parsed.errors) return page(c, view(c.get('session'), { errors: parsed.errors }), 422);
    try {
      const changed = await changeOwnPassword(deps.sql, c.get('caller'), parsed.data);
      for (const id of changed.endedSessions) deps.hub.closeSession(id);
    } catch (err) {
      // A wrong current password, or the same one again: shown under its field.
      const p = toProblem(err);
      if (p.status !== 422) throw err;
      const path = Array.isArray(p.errors) ? String((p.errors[0] as { path?: string } | undefined)?.path ?? 'form') : 'form';
      return page(c, view(c.get('session'), { errors: { [path]: p.detail } }), 422);
    }
    return c.redirect(`${adminBase(c.get('session').tenantSlug)}/dashboard`, 303);
  });

  return app;
}
