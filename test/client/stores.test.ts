import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCursor, storageCursor } from '../../src/client/cursorStore.ts';
import { EMPTY_QUEUE, jsonFileQueueStore, storageQueueStore, type QueueState } from '../../src/client/queueStore.ts';
import { writes } from '../../src/client/writes.ts';

// The pluggable stores a till keeps its queue and cursor in: each gives back exactly what it was given.
const dir = await mkdtemp(join(tmpdir(), 'tillstream-stores-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What a browser's localStorage offers, over a Map. */
function fakeStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); } };
}

const state: QueueState = {
  nextSeq: 3,
  pending: [{ seq: 2, queuedAt: '2026-11-30T12:00:00.000Z', write: writes.earn({ phone: '+447306680001', orderTotalCents: 500 }, 'key-2') }],
  conflicts: [],
};

describe('queue and cursor stores', () => {
  test('a fresh store is empty, and each store returns the state it saved, keys included', async () => {
    for (const store of [storageQueueStore(fakeStorage()), jsonFileQueueStore(join(dir, 'q.json'))]) {
      expect(await store.load()).toEqual(EMPTY_QUEUE);
      await store.save(state);
      expect(await store.load()).toEqual(state);
    }
  });

  test('the file store replaces its file whole, leaving no temporary files behind', async () => {
    const store = jsonFileQueueStore(join(dir, 'sub', 'q.json'));
    for (let i = 0; i < 5; i++) await store.save({ ...state, nextSeq: i });
    expect(await readdir(join(dir, 'sub'))).toEqual(['q.json']);
    expect((await store.load()).nextSeq).toBe(4);
  });

  test('cursors start empty and return the last id saved', async () => {
    for (const cursor of [storageCursor(fakeStorage()), fileCursor(join(dir, 'cursor'))]) {
      expect(await cursor.load()).toBeNull();
      await cursor.save('41');
      await cursor.save('42');
      expect(await cursor.load()).toBe('42');
    }
  });
});
