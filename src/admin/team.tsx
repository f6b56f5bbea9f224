import { Hono } from 'hono';
import {
  AdminCreate, AdminRoleChange, addAdmin, listTeam, resetPassword, setMemberActive, setMemberRole, type TeamChange, type TeamMember,
} from '../identity/admins.ts';
import type { Caller } from '../identity/caller.ts';
import { notFound } from '../platform/errors.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { AddAdminForm, MemberCard, MemberList, OneTimePassword, TeamPage } from '../../views/team.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';
import { formFields, parseForm, refusal } from './forms.ts';

/**
 * The Team page (owners: admins.manage, checked by the functions of identity/admins.ts). Each button
 * answers with the one admin's card; adding answers with the one-time password and the list again.
 */
export function teamPages(deps: LiveDeps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  /** The sessions a change ended: their streams here close now, as at sign-out; other instances' at their sweep. */
  const closeStreams = (change: TeamChange) => { for (const id of change.endedSessions) deps.hub.closeSession(id); };

  /** The admin as the page shows them (404 for another tenant's or an unknown id, before anything changes). */
  const memberOf = async (caller: Caller, id: string): Promise<TeamMember | undefined> =>
    (await listTeam(sql, caller)).find((m) => m.id === id);

  app.get('/team', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => listTeam(tx, caller));
    return page(c, <TeamPage meta={meta(c, seq)} team={data} />);
  });

  app.post('/team', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await listTeam(sql, caller); // refuse staff before judging the form
    const parsed = parseForm(AdminCreate, { email: f.email ?? '', role: f.role ?? '' });
    if (parsed.errors) return fragment(c, <AddAdminForm base={base} state={{ values: f, errors: parsed.errors }} />, 422);
    try {
      const made = await addAdmin(sql, caller, parsed.data);
      const team = await listTeam(sql, caller);
      return fragment(c, <>
        <OneTimePassword id="team-new-password" email={made.admin.email} password={made.password} />
        <AddAdminForm base={base} />
        <MemberList base={base} team={team} oob />
      </>);
    } catch (err) {
      return fragment(c, <AddAdminForm base={base} state={{ values: f, errors: refusal(err, 'email') }} />, 422);
    }
  });

  app.post('/team/:id/role', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    const m = await memberOf(caller, c.req.param('id'));
    if (!m) throw notFound('Admin');
    const parsed = parseForm(AdminRoleChange, { role: f.role ?? '' });
    if (parsed.errors) return fragment(c, <MemberCard base={base} m={m} error={parsed.errors.role} />, 422);
    try {
      const changed = await setMemberRole(sql, caller, m.id, parsed.data.role);
      closeStreams(changed);
      const message = changed.admin.role === m.role ? 'No change.'
        : changed.admin.role === 'owner' ? 'Now an owner.' : 'Now staff; signed out everywhere.';
      return fragment(c, <MemberCard base={base} m={changed.admin} message={message} />);
    } catch (err) {
      return fragment(c, <MemberCard base={base} m={m} error={refusal(err, 'role').role} />, 422);
    }
  });

  app.post('/team/:id/:action{deactivate|activate}', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const m = await memberOf(caller, c.req.param('id'));
    if (!m) throw notFound('Admin');
    const active = c.req.param('action') === 'activate';
    try {
      const changed = await setMemberActive(sql, caller, m.id, active);
      closeStreams(changed);
      const message = active ? 'Reactivated: they sign in with their password.' : 'Deactivated: signed out everywhere.';
      return fragment(c, <MemberCard base={base} m={changed.admin} message={message} />);
    } catch (err) {
      return fragment(c, <MemberCard base={base} m={m} error={refusal(err, 'form').form} />, 422);
    }
  });

  app.post('/team/:id/reset', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const made = await resetPassword(sql, caller, c.req.param('id'));
    closeStreams(made);
    return fragment(c, <MemberCard base={base} m={made.admin} password={made.password} message="New password made; signed out everywhere." />);
  });

  return app;
}
