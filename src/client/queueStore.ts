import type { Problem } from './client.ts';
import { writeAtomically } from './cursorStore.ts';
import type { AnyWrite } from './writes.ts';

// Where the offline queue keeps the till's writes until the server has them, and the conflicts it
// found on replay until the till has shown them to someone. Everything in it is plain JSON.

export type QueuedWrite = { seq: number; queuedAt: string; write: AnyWrite };

/** A queued write the server refused when it was replayed: kept until the till acknowledges it. */
export type Conflict = {
  seq: number;
  queuedAt: string;
  refusedAt: string;
  write: AnyWrite;
  status: number;
  problem: Problem;
};

export type QueueState = { nextSeq: number; pending: QueuedWrite[]; conflicts: Conflict[] };
export const EMPTY_QUEUE: QueueState = { nextSeq: 1, pending: [], conflicts: [] };

export interface QueueStore {
  load(): Promise<QueueState>;
  /** Replace the whole state. Called before a write is first sent and after each answer. */
  save(state: QueueState): Promise<void>;
}

export function memoryQueueStore(): QueueStore & { state: QueueState } {
  return {
    state: structuredClone(EMPTY_QUEUE),
    async load() { return structuredClone(this.state); },
    async save(s) { this.state = structuredClone(s); },
  };
}

/** A browser till: the state as one JSON value in `localStorage` (or any Storage). */
export function storageQueueStore(storage: Pick<Storage, 'getItem' | 'setItem'>, key = 'tillstream.queue'): QueueStore {
  return {
    async load() { const raw = storage.getItem(key); return raw ? (JSON.parse(raw) as QueueState) : structuredClone(EMPTY_QUEUE); },
    async save(s) { storage.setItem(key, JSON.stringify(s)); },
  };
}

/**
 * A till on Bun: one JSON file, replaced atomically (temporary file, then rename), so a till that
 * loses power mid-save finds the previous whole state, never half of one.
 */
export function jsonFileQueueStore(path: string): QueueStore {
  return {
    async load() {
      const f = Bun.file(path);
      return (await f.exists()) ? ((await f.json()) as QueueState) : structuredClone(EMPTY_QUEUE);
    },
    async save(s) { await writeAtomically(path, JSON.stringify(s, null, 1)); },
  };
}
