import { describe, expect, test } from 'bun:test';
import type { Sql } from '../../src/platform/database.ts';
import { sweepRevokedKeys } from '../../src/realtime/keySweep.ts';
import { Registry } from '../../src/realtime/registry.ts';
import type { Subscriber } from '../../src/realtime/subscriber.ts';

const stream = (streamKey: string, sessionId: string | null = null) => ({ streamKey, sessionId, closed: false }) as unknown as Subscriber;

describe('the credential sweep', () => {
  test('a stream that opens while the sweep is asking Postgres is not closed for missing from the question', async () => {
    const reg = new Registry<Subscriber>(50);
    const revoked = stream('key:gone');
    const kept = stream('key:kept');
    reg.add(revoked);
    reg.add(kept);
    let answer!: (rows: { live: string }[]) => void;
    const pending = new Promise<{ live: string }[]>((resolve) => { answer = resolve; });
    // The query, as the database sees it: still running when the next stream opens.
    const sql = ((..._args: unknown[]) => pending) as unknown as Sql;
    const closed: Subscriber[] = [];
    const sweep = sweepRevokedKeys(sql, reg, (sub) => closed.push(sub));
    const newcomer = stream('key:newcomer');
    reg.add(newcomer);
    answer([{ live: 'key:kept' }]);
    await sweep;
    expect(closed).toEqual([revoked]);
  });
});
