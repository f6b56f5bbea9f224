import { describe, expect, test } from 'bun:test';
import { AuthCache } from '../../src/identity/authCache.ts';

describe('the in-process credential cache', () => {
  test('a found credential is served from memory until cleared, then looked up again', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => true });
    let lookups = 0;
    const load = async () => { lookups++; return 'caller'; };
    expect(await cache.get('k', load)).toBe('caller');
    expect(await cache.get('k', load)).toBe('caller');
    expect(lookups).toBe(1);
    cache.clear();
    expect(await cache.get('k', load)).toBe('caller');
    expect(lookups).toBe(2);
  });

  test('an unknown credential is never kept: it asks every time', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => true });
    let lookups = 0;
    for (let i = 0; i < 3; i++) expect(await cache.get('bad', async () => { lookups++; return null; })).toBeNull();
    expect(lookups).toBe(3);
    expect(cache.size).toBe(0);
  });

  test('an entry older than the TTL is looked up again', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 0, usable: () => true });
    let lookups = 0;
    const load = async () => { lookups++; return 'caller'; };
    await cache.get('k', load);
    await Bun.sleep(2);
    await cache.get('k', load);
    expect(lookups).toBe(2);
  });

  test('an entry its `fresh` test refuses (a session past its expires_at) is not served: it is looked up again', async () => {
    let expiresAt = Date.now() + 60_000;
    const cache = new AuthCache<{ expiresAt: number }>({ max: 10, ttlMs: 60_000, usable: () => true, fresh: (v) => Date.now() < v.expiresAt });
    let lookups = 0;
    const load = async () => { lookups++; return { expiresAt }; };
    await cache.get('k', load);
    await cache.get('k', load);
    expect(lookups).toBe(1);
    expiresAt = Date.now() - 1;
    await cache.get('k', load); // still the fresh entry read first
    expect(lookups).toBe(1);
    cache.clear();
    await cache.get('k', load); // now holds an expired one
    await cache.get('k', load);
    expect(lookups).toBe(3);
  });

  test('while the listener is down the cache is neither read nor filled', async () => {
    let up = true;
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => up });
    let lookups = 0;
    const load = async () => { lookups++; return 'caller'; };
    await cache.get('k', load);
    up = false;
    await cache.get('k', load);
    await cache.get('other', load);
    expect(lookups).toBe(3);
    expect(cache.size).toBe(1);
  });

  test('a lookup in flight when the cache is cleared is answered but not kept', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => true });
    let answer!: (v: string) => void;
    const pending = cache.get('k', () => new Promise<string>((resolve) => { answer = resolve; }));
    cache.clear();
    answer('from before the change');
    expect(await pending).toBe('from before the change');
    expect(cache.size).toBe(0);
  });

  test('concurrent misses of one key share one lookup, and a get after clear() starts its own', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => true });
    const answers: ((v: string) => void)[] = [];
    const load = () => new Promise<string>((resolve) => { answers.push(resolve); });
    const first = Array.from({ length: 5 }, () => cache.get('k', load));
    expect(answers).toHaveLength(1);
    cache.clear();
    const after = cache.get('k', load);
    expect(answers).toHaveLength(2);
    answers[0]('from before the change');
    answers[1]('after the change');
    expect(await Promise.all(first)).toEqual(Array(5).fill('from before the change'));
    expect(await after).toBe('after the change');
    // Only the lookup started after the change is kept.
    expect(await cache.get('k', load)).toBe('after the change');
    expect(answers).toHaveLength(2);
  });

  test('while the listener is down, concurrent misses are not shared either: each asks', async () => {
    const cache = new AuthCache<string>({ max: 10, ttlMs: 60_000, usable: () => false });
    let lookups = 0;
    await Promise.all(Array.from({ length: 3 }, () => cache.get('k', async () => { lookups++; return 'caller'; })));
    expect(lookups).toBe(3);
  });

  test('the least recently used entry goes first past the bound', async () => {
    const cache = new AuthCache<string>({ max: 2, ttlMs: 60_000, usable: () => true });
    const seen: string[] = [];
    const load = (k: string) => async () => { seen.push(k); return k; };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a')); // a is now the most recent
    await cache.get('c', load('c')); // b goes
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size).toBe(2);
  });
});
