import { describe, expect, test } from 'bun:test';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientTypes, GENERATED_PATH, servedDocument } from '../../src/client/generate.ts';
import { testApp } from '../support/app.ts';
import { serve } from '../support/stream.ts';
import { expectInvariants } from '../support/fixtures.ts';
import { screenLine, till } from './sampleTill.ts';

// The contract a generator sees: types generated from the served /openapi.json (openapi-typescript)
// are checked in at src/client/api.ts, and a sample till (./sampleTill.ts) type-checks against types
// generated afresh, so a breaking change to the contract fails CI.

const t = await testApp();
const served = (await t.anon.get('/openapi.json')).body;
const SAMPLE = new URL('./sampleTill.ts', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

/** tsc (the repo's own) over the sample till and `types` as src/client/api.ts, in a scratch project. */
async function typeCheckSample(types: string): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tillstream-client-'));
  try {
    await mkdir(join(dir, 'src/client'), { recursive: true });
    await mkdir(join(dir, 'test/client'), { recursive: true });
    await Bun.write(join(dir, 'src/client/api.ts'), types);
    await Bun.write(join(dir, 'test/client/sampleTill.ts'), Bun.file(SAMPLE));
    await Bun.write(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ESNext', module: 'ESNext', moduleResolution: 'bundler', lib: ['ESNext', 'DOM'], types: [],
        strict: true, noEmit: true, allowImportingTsExtensions: true, verbatimModuleSyntax: true,
      },
      files: ['test/client/sampleTill.ts'],
    }));
    const proc = Bun.spawn([join(ROOT, 'node_modules/.bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdout: 'pipe', stderr: 'pipe' });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, output: out + err };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the generated client', () => {
  test('the checked-in src/client/api.ts is exactly what openapi-typescript makes from the served document (run `bun run client:generate`)', async () => {
    const fresh = await clientTypes(served);
    const checkedIn = await Bun.file(GENERATED_PATH).text();
    expect({ current: checkedIn === fresh, fix: 'bun run client:generate' }).toEqual({ current: true, fix: 'bun run client:generate' });
    // and the script's database-free document is the one the app serves
    expect(await servedDocument()).toEqual(served);
  }, 60_000);

  test('a sample till type-checks against types generated from the served document', async () => {
    const result = await typeCheckSample(await clientTypes(served));
    expect(result).toEqual({ code: 0, output: '' });
  }, 60_000);

  test('a breaking change to the contract (a renamed response field) fails the sample till', async () => {
    const broken = structuredClone(served);
    const data = broken.components.schemas.LoyaltyUpdatedEvent.properties.data;
    data.properties.balance = data.properties.newBalance;
    delete data.properties.newBalance;
    data.required = data.required.map((f: string) => (f === 'newBalance' ? 'balance' : f));
    const result = await typeCheckSample(await clientTypes(broken));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('sampleTill.ts');
    expect(result.output).toContain('newBalance');
  }, 60_000);

  test('the sample till works against a running server: lookup, earn, a refused redemption as a problem, typed events', async () => {
    const pos = till(serve(t.app), t.keyA);
    const earned = await pos.earn({ phone: '+447306610001', orderTotalCents: 2500 }, 'sample-earn-1');
    expect(earned.ok && earned.value.pointsEarned).toBe(25);
    const found = await pos.lookup('07306 610001');
    if (!found.ok) throw new Error(found.problem.detail);
    const refused = await pos.redeem(found.value.id, { points: 1000 }, 'sample-redeem-1');
    expect(refused.ok ? null : refused.problem.code).toBe('insufficient_points');
    const page = await pos.eventsAfter('0');
    if (!page.ok) throw new Error(page.problem.detail);
    expect(page.value.data.map(screenLine).filter(Boolean)).toContain('+447306610001: 25 → 25 points');
    await expectInvariants(t.sql);
  });
});
