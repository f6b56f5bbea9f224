import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

// Where a subscriber keeps the id of the last event it applied, so a restarted till resumes where it
// stopped. Save it with (or after) the state the event changed: saving before applying would skip an
// event the till never showed.

export interface CursorStore {
  load(): Promise<string | null>;
  save(lastEventId: string): Promise<void>;
}

export function memoryCursor(initial: string | null = null): CursorStore & { value: string | null } {
  return {
    value: initial,
    async load() { return this.value; },
    async save(id) { this.value = id; },
  };
}

/** A browser till: `localStorage` (or any Storage). */
export function storageCursor(storage: Pick<Storage, 'getItem' | 'setItem'>, key = 'tillstream.lastEventId'): CursorStore {
  return {
    async load() { return storage.getItem(key); },
    async save(id) { storage.setItem(key, id); },
  };
}

/** Write to a temporary file, then rename over the old one: a crash mid-write leaves the old file whole. */
export async function writeAtomically(path: string, text: string) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${crypto.randomUUID()}.tmp`;
  await Bun.write(tmp, text);
  await rename(tmp, path);
}

/** A till on Bun: one small file. */
export function fileCursor(path: string): CursorStore {
  return {
    async load() {
      const f = Bun.file(path);
      if (!(await f.exists())) return null;
      const text = (await f.text()).trim();
      return text === '' ? null : text;
    },
    async save(id) { await writeAtomically(path, id); },
  };
}
