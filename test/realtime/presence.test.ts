import { describe, expect, test } from 'bun:test';
import { positionOf, presenceRows } from '../../src/realtime/presence.ts';
import { newSubscriber, type Sink, type Subscriber } from '../../src/realtime/subscriber.ts';

// What one instance says about its terminals, computed from memory when it writes (never per event).
const sink: Sink = { desiredSize: 1000, enqueue: () => {}, close: () => {}, error: () => {} };

function stream(streamKey: string | null, opts: { tenant?: string; live?: boolean; lastSentId?: number; openedAt?: number; closed?: boolean } = {}): Subscriber {
  const s = { ...newSubscriber({ tenantId: opts.tenant ?? 't', streamKey, types: null, format: 'json', sink, slice: 0 }), openedAt: opts.openedAt ?? 1000 };
  s.live = opts.live ?? true;
  s.lastSentId = opts.lastSentId ?? -1;
  s.closed = opts.closed ?? false;
  return s;
}

describe('presence', () => {
  test('a live stream stands at its tenant feed\'s cursor, even when its types filter out the newest events', () => {
    expect(positionOf(stream('key:k', { lastSentId: 40 }), 55)).toBe(55);
    // The feed never runs behind what it handed on.
    expect(positionOf(stream('key:k', { lastSentId: 40 }), null)).toBe(40);
  });

  test('a replaying stream stands at the last id its replay sent; before its start is fixed it is unknown', () => {
    expect(positionOf(stream('key:k', { live: false, lastSentId: 12 }), 90)).toBe(12);
    expect(positionOf(stream('key:k', { live: false, lastSentId: -1 }), 90)).toBeNull();
  });

  test('one row per API key: its streams counted, the earliest open, the position of the one furthest behind', () => {
    const rows = presenceRows([
      stream('key:a', { live: false, lastSentId: 7, openedAt: 3000 }),
      stream('key:a', { openedAt: 2000 }),
      stream('key:a', { live: false, lastSentId: -1, openedAt: 4000 }),
      stream('key:b', { tenant: 'u', lastSentId: 3, openedAt: 5000 }),
    ], (tenant) => (tenant === 't' ? 20 : 9));
    expect(rows).toEqual([
      { apiKeyId: 'a', streams: 3, connectedAt: 2000, lastEventIdSent: 7 },
      { apiKeyId: 'b', streams: 1, connectedAt: 5000, lastEventIdSent: 9 },
    ]);
  });

  test('admin pages and closed streams are not terminals', () => {
    expect(presenceRows([stream('admin:x'), stream(null), stream('key:gone', { closed: true })], () => 1)).toEqual([]);
  });
});
