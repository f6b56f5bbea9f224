import type { Caller } from '../identity/caller.ts';

/**
 * Which cap a caller's streams count against: its API key, or its admin account (every page of one
 * admin shares one cap). Null for a caller with neither, which no door produces today.
 */
export function streamKeyOf(caller: Pick<Caller, 'keyId' | 'adminId'>): string | null {
  return caller.keyId ? `key:${caller.keyId}` : caller.adminId ? `admin:${caller.adminId}` : null;
}

/** The answer to "may this key open one more stream?": a refusal says the limit, for the door to word. */
export type Admission = { ok: true } | { ok: false; limit: number };

/** What the registry needs of a stream: its cap, and the admin session it belongs to (if any). */
export type Registered = { readonly streamKey: string | null; readonly sessionId?: string | null };

/**
 * Every open stream of this process, how many each key holds, and which streams each admin session
 * holds. No I/O and no timers: the hub checks admit() and calls add() in one synchronous step, so
 * concurrent opens cannot race past the cap.
 */
export class Registry<S extends Registered> {
  private readonly all = new Set<S>();
  private readonly perKey = new Map<string, number>();
  private readonly perSession = new Map<string, Set<S>>();

  constructor(private readonly maxPerKey: number) {}

  get size() { return this.all.size; }

  streamsFor(streamKey: string): number {
    return this.perKey.get(streamKey) ?? 0;
  }

  /** `limit` overrides the per-key cap for streams with their own (a guest wallet link's). */
  admit(streamKey: string | null, limit = this.maxPerKey): Admission {
    if (streamKey && this.streamsFor(streamKey) >= limit) return { ok: false, limit };
    return { ok: true };
  }

  add(sub: S) {
    if (this.all.has(sub)) return;
    this.all.add(sub);
    if (sub.streamKey) this.perKey.set(sub.streamKey, this.streamsFor(sub.streamKey) + 1);
    if (sub.sessionId) {
      const set = this.perSession.get(sub.sessionId);
      if (set) set.add(sub); else this.perSession.set(sub.sessionId, new Set([sub]));
    }
  }

  /** False when the stream was not registered (already removed): closing twice counts once. */
  remove(sub: S): boolean {
    if (!this.all.delete(sub)) return false;
    if (sub.streamKey) {
      const n = this.streamsFor(sub.streamKey) - 1;
      if (n > 0) this.perKey.set(sub.streamKey, n); else this.perKey.delete(sub.streamKey);
    }
    if (sub.sessionId) {
      const set = this.perSession.get(sub.sessionId);
      set?.delete(sub);
      if (set?.size === 0) this.perSession.delete(sub.sessionId);
    }
    return true;
  }

  /** The open streams of one admin session; a copy, so closing them while walking it is safe. */
  ofSession(sessionId: string): S[] {
    return [...(this.perSession.get(sessionId) ?? [])];
  }

  /** The admin sessions that hold at least one open stream (the sweep checks these too). */
  sessionIds(): string[] {
    return [...this.perSession.keys()];
  }

  /** The open streams now; a copy, so closing some while walking it is safe. */
  list(): S[] {
    return [...this.all];
  }

  /** No copy, for the hot path (heartbeats); a Set skips entries deleted mid-walk, so closing is safe. */
  [Symbol.iterator]() {
    return this.all.values();
  }

  /** The cap keys with at least one open stream that start with `prefix`. */
  keysWith(prefix: string): string[] {
    return [...this.perKey.keys()].filter((k) => k.startsWith(prefix));
  }

  /** The API keys that hold at least one open stream (the revoked-key sweep checks these). */
  apiKeyIds(): string[] {
    return [...this.perKey.keys()].filter((k) => k.startsWith('key:')).map((k) => k.slice(4));
  }
}

/** The API key id a stream key names, or null for an admin's stream. */
export function apiKeyIdOf(streamKey: string | null): string | null {
  return streamKey?.startsWith('key:') ? streamKey.slice(4) : null;
}
