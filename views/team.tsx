import type { FormState } from './shell/form.tsx';
import { FieldError } from './shell/form.tsx';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type TeamMember = { id: string; email: string; role: 'owner' | 'staff'; locationId: string | null; deactivated: boolean; self: boolean };

/** Shown once, right after it was made: only its hash is stored, so it cannot be shown again. */
export function OneTimePassword(p: { id: string; email: string; password: string }) {
  return (
    <div class="card notice stack" role="status">
      <p><strong>Password for {p.email}.</strong> Give it to them now: it will not be shown again. At sign-in they must choose their own.</p>
      <label for={p.id}>One-time password</label>
      <input id={p.id} class="mono" readonly value={p.password} data-select-on-focus />
    </div>
  );
}

/** Add someone. Comes back cleared after an add (the password above it), or as typed with inline errors. */
export function AddAdminForm(p: { base: string; state?: FormState }) {
  const s = p.state ?? {};
  const v = s.values ?? {};
  const emailError = s.errors?.email ?? s.errors?.form;
  return (
    <form id="team-form" class="card stack" hx-post={`${p.base}/team`} hx-target="#team-add" hx-swap="innerHTML">
      <h2>Add someone</h2>
      <div class="forms3">
        <div class="stack">
          <label for="team-email">Email</label>
          <input id="team-email" name="email" type="email" required maxlength={254} autocomplete="off" spellcheck={false}
            value={v.email ?? ''} aria-invalid={emailError ? 'true' : undefined} aria-describedby="team-email-error" />
          {emailError ? <p id="team-email-error" class="field-error" role="alert">{emailError}</p> : null}
        </div>
        <div class="stack">
          <label for="team-role">Role</label>
          <select id="team-role" name="role" aria-describedby="team-role-hint">
            <option value="staff" selected={v.role !== 'owner'}>Staff</option>
            <option value="owner" selected={v.role === 'owner'}>Owner</option>
          </select>
          <small id="team-role-hint" class="muted">Owners also manage keys, locations, settings and this team.</small>
          <FieldError state={s} name="role" id="team-role-error" />
        </div>
      </div>
      <div class="row"><button type="submit" class="btn">Add and make a password</button></div>
    </form>
  );
}

/**
 * One admin: role, status, and what an owner may do to them. Every button answers with this card again
 * (with a message, an inline refusal, or a one-time password). Your own card has no buttons.
 */
export function MemberCard(p: { base: string; m: TeamMember; message?: string; error?: string; password?: string }) {
  const { m } = p;
  const id = `admin-${m.id}`;
  const at = `${p.base}/team/${m.id}`;
  return (
    <article id={id} class="card stack" data-role={m.role} data-deactivated={m.deactivated ? '1' : undefined} aria-label={m.email}>
      <div class="row wrap">
        <h3 class="mono">{m.email}</h3>
        <span class="tag">{m.role}</span>
        {m.deactivated ? <span class="tag">deactivated</span> : null}
        {m.self ? <span class="tag">you</span> : null}
      </div>
      {p.message ? <p class="ok" role="status">{p.message}</p> : null}
      {p.error ? <p id={`${id}-error`} class="field-error" role="alert">{p.error}</p> : null}
      {p.password ? <OneTimePassword id={`${id}-password`} email={m.email} password={p.password} /> : null}
      {m.self ? <p class="muted">This is you: another owner can change your role or access.</p> : <>
        <form class="row wrap" hx-post={`${at}/role`} hx-target="closest article" hx-swap="outerHTML">
          <label for={`${id}-role`}>Role</label>
          <select id={`${id}-role`} name="role">
            <option value="staff" selected={m.role === 'staff'}>Staff</option>
            <option value="owner" selected={m.role === 'owner'}>Owner</option>
          </select>
          <button type="submit" class="btn secondary">Change role</button>
        </form>
        <div class="row wrap">
          {m.role === 'staff' && !m.deactivated ? (
            <button type="button" class="btn secondary" hx-post={`${at}/reset`} hx-target="closest article" hx-swap="outerHTML"
              hx-confirm={`Make a new password for ${m.email}? Their old one stops working and they are signed out.`}>Reset password</button>
          ) : null}
          {m.deactivated ? (
            <button type="button" class="btn secondary" hx-post={`${at}/activate`} hx-target="closest article" hx-swap="outerHTML">Reactivate</button>
          ) : (
            <button type="button" class="btn link danger" hx-post={`${at}/deactivate`} hx-target="closest article" hx-swap="outerHTML"
              hx-confirm={`Deactivate ${m.email}? They are signed out everywhere at once, open pages included.`}>Deactivate</button>
          )}
        </div>
      </>}
    </article>
  );
}

export function MemberList(p: { base: string; team: TeamMember[]; oob?: boolean }) {
  return (
    <section id="team-list" aria-label="Team" hx-swap-oob={p.oob ? 'true' : undefined}>
      <div class="cards">{p.team.map((m) => <MemberCard base={p.base} m={m} />)}</div>
    </section>
  );
}

/** The back office's admins (owners only). Limiting staff to one site is on the Locations page. */
export function TeamPage(p: { meta: PageMeta; team: TeamMember[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Team" active="team">
      <p class="muted">
        Who can sign in to this back office. A new admin, or a staff admin whose password is reset, gets a password
        made here and shown once. Deactivating someone signs them out everywhere at once; their name stays on what they did.
      </p>
      <div id="team-add"><AddAdminForm base={base} /></div>
      <MemberList base={base} team={p.team} />
    </Layout>
  );
}
