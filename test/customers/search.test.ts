import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { searchNeedle } from '../../src/customers/searchNeedle.ts';

// Staff type a phone the way it is said and a name the way they hear it. The tenant's phone country is
// GB (the default), so "07306 506797" is +447306506797.

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');

const enrol = async (phone: string, name: string, email?: string) =>
  (await t.a.post('/api/v1/customers', { phone, name, ...(email ? { email } : {}) })).body.id as string;
const zoe = await enrol('+447306506797', 'Zoë Ångström', 'Zoe.Angstrom@Example.test');
// Decoys: the same last six digits in another place, and a number that only shares the area code.
const decoy = await enrol('+447506797123', 'Padraig Decoy', 'pd@example.test');
const sameArea = await enrol('+447306111222', 'Noel Samearea');
const renee = await enrol('+447700900123', 'RENÉE O’Brien');
// Another tenant's customer with Zoë's number is never found from tenant A.
await t.b.post('/api/v1/customers', { phone: '+447306506797', name: 'Zoë Elsewhere' });

const apiIds = async (q: string) => {
  const res = await t.a.get(`/api/v1/customers?${new URLSearchParams({ q })}`);
  expect(res.status).toBe(200);
  return (res.body.data as { id: string }[]).map((c) => c.id).sort();
};
const pageIds = async (q: string) => {
  const res = await owner.get(`/customers/results?${new URLSearchParams({ q })}`, { 'hx-request': 'true' });
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<tr id="cust-([0-9a-f-]{36})"/g)].map((m) => m[1]).sort();
};

describe('search finds a customer from each spelling staff type', () => {
  const spellings: [string, string, string[]][] = [
    ['national with a space', '07306 506797', [zoe]],
    ['national without spaces', '07306506797', [zoe]],
    ['national with dashes and brackets', '(07306) 506-797', [zoe]],
    ['international with spaces', '+44 7306 506797', [zoe]],
    ['international with 00', '0044 7306 506797', [zoe]],
    ['the last six digits', '506797', [zoe, decoy]],
    ['the national area code', '07306', [zoe, sameArea]],
    ['the international area code', '+44 7306', [zoe, sameArea]],
    ['E.164 as stored', '+447306506797', [zoe]],
  ];
  for (const [label, q, expected] of spellings) {
    test(`${label} ("${q}") finds exactly the customers with that number, on both doors`, async () => {
      const want = [...expected].sort();
      expect(await apiIds(q)).toEqual(want);
      expect(await pageIds(q)).toEqual(want);
    });
  }

  test('a full number that nobody has finds nobody', async () => {
    expect(await apiIds('07306 506798')).toEqual([]);
    expect(await pageIds('07306 506798')).toEqual([]);
  });
});

describe('names and emails match regardless of accents and case', () => {
  const cases: [string, string, string[]][] = [
    ['unaccented, lower case', 'zoe angstrom', [zoe]],
    ['accented, upper case', 'ZOË', [zoe]],
    ['words in either order', 'angstrom zoe', [zoe]],
    ['an accented query for a name stored in capitals', 'renée', [renee]],
    ['part of a word', 'ngstr', [zoe]],
    ['an email in another case', 'zoe.angstrom@example', [zoe]],
    ['a whole email in capitals', 'ZOE.ANGSTROM@EXAMPLE.TEST', [zoe]],
    ['an email typed up to its @', 'pd@', [decoy]],
    ['an email domain, matched anywhere', '@example.test', [zoe, decoy]],
    ['an email that starts otherwise', 'angstrom@example.test', []],
    ['a word that is in no name', 'zoe obrien', []],
  ];
  for (const [label, q, expected] of cases) {
    test(`${label} ("${q}") gives the same customers through the API and the admin list`, async () => {
      const want = [...expected].sort();
      expect(await apiIds(q)).toEqual(want);
      expect(await pageIds(q)).toEqual(want);
    });
  }

  test('LIKE wildcards typed into the box match themselves, not everything', async () => {
    expect(await apiIds('%')).toEqual([]);
    expect(await apiIds('z_e')).toEqual([]);
  });

  test('the folded search text is kept by the database, so a renamed customer is found by the new name', async () => {
    await t.sql`update customers set name = 'Zoé Renamed' where id = ${zoe}`;
    const [row] = await t.sql`select search_text from customers where id = ${zoe}`;
    expect(row.search_text).toBe('zoe renamed zoe.angstrom@example.test');
    expect(await apiIds('ZOE RENAMED')).toEqual([zoe]);
    expect(await apiIds('angstrom zoe')).toEqual([zoe]); // still in the email
    expect(await apiIds('Ångström')).toEqual([zoe]);
  });
});

describe('what a search box text asks for', () => {
  test('a national spelling is a prefix of the E.164 number; a bare run of digits is not', () => {
    expect(searchNeedle('07306', 'GB')).toEqual({ kind: 'phone', contains: '07306', prefix: '+447306' });
    expect(searchNeedle('506797', 'GB')).toEqual({ kind: 'phone', contains: '506797', prefix: null });
    expect(searchNeedle('1 201 555', 'US')).toEqual({ kind: 'phone', contains: '1201555', prefix: '+1201555' });
    expect(searchNeedle('(201) 555-0123', 'US')).toEqual({ kind: 'phone', contains: '2015550123', prefix: null });
  });

  test('one token with an @ after its start is an email typed from its start, lower-cased', () => {
    expect(searchNeedle(' Jo7@X.test ', 'GB')).toEqual({ kind: 'email', prefix: 'jo7@x.test' });
    expect(searchNeedle('jo7@', 'GB')).toEqual({ kind: 'email', prefix: 'jo7@' });
  });

  test('a letter makes it words; blank is no filter', () => {
    expect(searchNeedle(' Zoë  Ångström ', 'GB')).toEqual({ kind: 'words', words: ['Zoë', 'Ångström'] });
    expect(searchNeedle('jo @x.test', 'GB')).toEqual({ kind: 'words', words: ['jo', '@x.test'] });
    expect(searchNeedle('@x.test', 'GB')).toEqual({ kind: 'words', words: ['@x.test'] });
    expect(searchNeedle('   ', 'GB')).toBeNull();
  });
});
