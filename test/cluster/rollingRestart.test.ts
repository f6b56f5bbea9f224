import { describe, expect, test } from 'bun:test';
import { freshDatabase } from '../support/db.ts';
import { CLEAN } from '../support/fixtures.ts';
import { rollingRestart } from './rolling.ts';

// Issue 16.3: three real instances behind Debian's HAProxy, restarted in turn (SIGTERM, wait, start)
// while streams are open and writes run. 200 streams here so it passes on a busy 2-core machine;
// `bun run bench:rolling` runs the 2,000 and reports the storm's cost.
const { sql, url } = await freshDatabase();

describe('a rolling restart behind HAProxy', () => {
  test('loses no event, repeats none, and fails no write but 503s with Retry-After that were retried', async () => {
    const r = await rollingRestart({ sql, databaseUrl: url, streams: 200, writes: 1000, writesPerSecond: 20, env: { DB_POOL_MAX: '5' } });
    expect(r.exitCodes).toEqual([0, 0, 0]);
    expect(r.failedWrites).toEqual([]);
    // The load ran through the whole deploy (20/s for its several seconds), and every write landed.
    expect(r.writesSent).toBeGreaterThan(50);
    expect(r.writesAcked).toBe(r.writesSent);
    // Every write left at least one event, and every client was sent every one of them, once.
    expect(r.events).toBeGreaterThanOrEqual(r.writesSent);
    expect(r.lost).toEqual([]);
    expect(r.duplicated).toEqual([]);
    // Each client resumed through HAProxy at least once per instance it was on: 200 streams, 3 deploys.
    expect(r.resumes).toBeGreaterThanOrEqual(200);
    // A reconnect is answered 200, or 503 + Retry-After when no instance was ready: never anything else.
    expect(Object.keys(r.refusals).filter((k) => k !== '503')).toEqual([]);
    expect(r.invariants).toEqual(CLEAN);
  }, 180_000);
});
