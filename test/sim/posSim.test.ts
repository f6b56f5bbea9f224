import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { serve } from '../support/stream.ts';
import { runPosSim, summary } from './posSim.ts';

const t = await testApp();
const base = serve(t.app, 30);

describe('pos-sim', () => {
  test('three tills selling for ten seconds through random outages: every acknowledged write applied once, every till saw every event, invariants hold', async () => {
    const report = await runPosSim({ baseUrl: base, sql: t.sql, terminals: 3, seconds: 10, maxWritesPerTerminal: 150, seed: 15 });
    console.log(summary(report));
    expect(report.breaches).toEqual([]);
    // the run did what it claims to exercise
    expect(report.writes.acknowledged).toBeGreaterThan(30);
    expect(report.outages).toBeGreaterThan(0);
    expect(report.events).toBeGreaterThan(30);
  }, 90_000);
});
