import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { cookieOf, createAdmin, signIn } from '../support/admin.ts';
import { type AdminCase, type FormShape, adminCases, adminPages, adminPostRoutes, fieldNamesIn, formsIn } from './adminCases.ts';
import { type Answer, judgeAdmin } from './exchange.ts';
import { runCases, verdict } from './runCases.ts';
import { seedTenant } from './seed.ts';

// A route's cases take a second or two; sign-in cases each fetch a fresh sign-in form first.
const PER_ROUTE_MS = 60_000;

const t = await testApp();
const own = await seedTenant(t.sql, t.a, t.tenantA.id, ['+447306591001', '+447306591002']);
const foreign = await seedTenant(t.sql, t.b, t.tenantB.id, ['+447306591003', '+447306591004']);
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse battery');
const admin = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse battery');

// The forms each page renders, read from the pages themselves: action URL → fields.
const forms = new Map<string, FormShape>();
const everyField: FormShape = {};
for (const url of adminPages(t.app.routes, 'alpha', own)) {
  const html = await (await t.app.request(url, { headers: { cookie: admin.cookie } })).text();
  for (const [action, fields] of formsIn(html)) forms.set(action, { ...forms.get(action), ...fields });
  for (const name of fieldNamesIn(html)) everyField[name] = '';
}

/**
 * Sign-out ends the session whatever its body says: it has nothing to refuse (and would end this
 * file's session). Sign-in is fuzzed with a fresh sign-in form's token on every case.
 */
const routes = adminPostRoutes(t.app.routes, 'alpha', own).filter((r) => !r.template.endsWith('/logout'));

/** Sign-in's CSRF is a double-submit cookie: every case carries a fresh one, so its fields are what is judged. */
async function withSignInToken(c: AdminCase): Promise<AdminCase> {
  const page = await t.app.request('/alpha/admin/login');
  const token = cookieOf(page, 'ts_login')!.value;
  const body = c.body === undefined ? undefined : `${c.body}&_csrf=${encodeURIComponent(token)}`;
  const { cookie: _, 'x-csrf-token': __, ...headers } = c.headers;
  return { ...c, headers: { ...headers, cookie: `ts_login=${token}` }, body };
}

function judge(answer: Answer, c: AdminCase): string | null {
  if (c.expect === 413) return 'status' in answer && answer.status === 413 ? null : `answered ${'status' in answer ? answer.status : 'nothing'} to a body over the limit, not 413`;
  const problem = judgeAdmin(answer);
  if (problem?.startsWith('answered') && c.expect === 'either') return null;
  return problem;
}

describe('every admin form refuses hostile fields with a 4xx page, in time, changing nothing', () => {
  test('the router and the pages give the fuzzer the forms to walk', () => {
    expect(routes.map((r) => r.template)).toContain('/:tenant/admin/customers/:id/points/:action{add|redeem|adjust}');
    expect(forms.get(`/alpha/admin/customers/${own.customers}/points/add`)).toEqual({ points: '', reason: '' });
  });

  for (const route of routes) {
    test(`POST ${route.url.replace(/[0-9a-f-]{36}|GC-[\w-]+/gi, '{id}')}`, async () => {
      const signInRoute = route.template.endsWith('/login');
      const shown = signInRoute ? { email: 'nobody@alpha.test', password: '' } : forms.get(route.url);
      // Every sign-in attempt hashes a password (on purpose: it is slow), so sign-in gets the short list.
      let cases = adminCases(route, shown ?? everyField, admin, foreign, !shown || signInRoute);
      if (signInRoute) cases = await Promise.all(cases.filter((c) => !c.name.includes('CSRF')).map(withSignInToken));
      const failures = await runCases(t.app, t.sql, cases, judge);
      expect(verdict(cases, failures)).toBe('');
    }, PER_ROUTE_MS);
  }
});
