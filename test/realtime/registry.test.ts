import { describe, expect, test } from 'bun:test';
import { apiKeyIdOf, Registry, streamKeyOf } from '../../src/realtime/registry.ts';

const stream = (streamKey: string | null) => ({ streamKey });

describe('the stream registry', () => {
  test('an API key counts against its own cap, an admin against theirs, and a key wins over an admin', () => {
    expect(streamKeyOf({ keyId: 'k1', adminId: null })).toBe('key:k1');
    expect(streamKeyOf({ keyId: null, adminId: 'a1' })).toBe('admin:a1');
    expect(streamKeyOf({ keyId: 'k1', adminId: 'a1' })).toBe('key:k1');
    expect(streamKeyOf({ keyId: null, adminId: null })).toBeNull();
    expect(apiKeyIdOf('key:k1')).toBe('k1');
    expect(apiKeyIdOf('admin:a1')).toBeNull();
    expect(apiKeyIdOf(null)).toBeNull();
  });

  test('the cap refuses the stream past the limit and says the limit; closing one admits the next', () => {
    const reg = new Registry(2);
    const [a, b] = [stream('key:k'), stream('key:k')];
    expect(reg.admit('key:k')).toEqual({ ok: true });
    reg.add(a);
    reg.add(b);
    expect(reg.admit('key:k')).toEqual({ ok: false, limit: 2 });
    // Other keys and cap-less streams are not affected.
    expect(reg.admit('key:other')).toEqual({ ok: true });
    expect(reg.admit(null)).toEqual({ ok: true });
    expect(reg.remove(a)).toBe(true);
    expect(reg.admit('key:k')).toEqual({ ok: true });
  });

  test('removing a stream twice, or adding it twice, counts once', () => {
    const reg = new Registry(5);
    const a = stream('admin:x');
    reg.add(a);
    reg.add(a);
    expect(reg.size).toBe(1);
    expect(reg.streamsFor('admin:x')).toBe(1);
    expect(reg.remove(a)).toBe(true);
    expect(reg.remove(a)).toBe(false);
    expect(reg.size).toBe(0);
    expect(reg.streamsFor('admin:x')).toBe(0);
  });

  test('the revoked-key sweep is asked only about API keys that hold a stream', () => {
    const reg = new Registry(5);
    const streams = [stream('key:k1'), stream('key:k1'), stream('admin:a'), stream('key:k2'), stream(null)];
    for (const s of streams) reg.add(s);
    expect(reg.apiKeyIds().sort()).toEqual(['k1', 'k2']);
    reg.remove(streams[3]);
    expect(reg.apiKeyIds()).toEqual(['k1']);
    // list() is a copy: removing while walking it visits every stream.
    for (const s of reg.list()) reg.remove(s);
    expect(reg.size).toBe(0);
    expect(reg.apiKeyIds()).toEqual([]);
  });

  test('streams are found by admin session, for sign-out and the sweep; removing the last forgets the session', () => {
    const reg = new Registry(5);
    const [s1a, s1b, s2, key] = [
      { streamKey: 'admin:a', sessionId: 's1' }, { streamKey: 'admin:a', sessionId: 's1' },
      { streamKey: 'admin:a', sessionId: 's2' }, { streamKey: 'key:k', sessionId: null },
    ];
    for (const s of [s1a, s1b, s2, key]) reg.add(s);
    expect(reg.sessionIds().sort()).toEqual(['s1', 's2']);
    expect(reg.ofSession('s1')).toEqual([s1a, s1b]);
    expect(reg.ofSession('nope')).toEqual([]);
    // ofSession() is a copy: removing while walking it visits every stream.
    for (const s of reg.ofSession('s1')) reg.remove(s);
    expect(reg.sessionIds()).toEqual(['s2']);
    expect(reg.streamsFor('admin:a')).toBe(1);
    expect(reg.size).toBe(2);
  });
});
