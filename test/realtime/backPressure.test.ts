import { describe, expect, test } from 'bun:test';
import { endSink, hold, write } from '../../src/realtime/backPressure.ts';
import { newSubscriber, type Sink } from '../../src/realtime/subscriber.ts';

/** A sink that records what it was given; `desiredSize` below 0 plays a socket that stopped reading. */
function fakeSink(desiredSize = 1000) {
  const chunks: Uint8Array[] = [];
  const ends: string[] = [];
  const sink: Sink & { desiredSize: number } = {
    desiredSize,
    enqueue: (b?: Uint8Array) => { chunks.push(b!); },
    close: () => { ends.push('close'); },
    error: () => { ends.push('error'); },
  };
  return { sink, chunks, ends };
}

describe('back-pressure', () => {
  test('a write to a client already past its queue limit is refused as slow, before it grows the queue', () => {
    const fast = fakeSink(10);
    expect(write(fast.sink, new Uint8Array(50))).toBe('written'); // one large frame never drops a client that keeps up
    const slow = fakeSink(-1);
    expect(write(slow.sink, new Uint8Array(1))).toBe('slow');
    expect(slow.chunks.length).toBe(0);
    const gone = fakeSink();
    gone.sink.enqueue = () => { throw new TypeError('closed'); };
    expect(write(gone.sink, new Uint8Array(1))).toBe('gone');
  });

  test('frames held during a replay are bounded by the queue limit', () => {
    const s = newSubscriber({ tenantId: 't', streamKey: null, types: null, format: 'json', sink: fakeSink().sink, slice: 0 });
    expect(hold(s, 1, new Uint8Array(60), 100)).toBe(true);
    expect(hold(s, 2, new Uint8Array(40), 100)).toBe(true);
    expect(hold(s, 3, new Uint8Array(1), 100)).toBe(false);
    expect(s.pending.map((p) => p.id)).toEqual([1, 2, 3]);
  });

  test('a slow or failed stream is reset at once, a shutdown closes it, a client that left is not touched', () => {
    const ends = (reason: Parameters<typeof endSink>[1]) => { const f = fakeSink(); endSink(f.sink, reason); return f.ends; };
    expect(ends('slow')).toEqual(['error']);
    expect(ends('error')).toEqual(['error']);
    expect(ends('shutdown')).toEqual(['close']);
    expect(ends('revoked')).toEqual(['close']);
    expect(ends('client')).toEqual([]);
  });
});
