import { createHash } from 'node:crypto';

/**
 * Uses of one wallet link (page loads and stream opens) per rolling minute, on this instance. Keyed by
 * the token's hash, before the link is looked up: a dead or made-up token is counted exactly like a live
 * one, so the limit says nothing about which tokens work, and one token hammered cannot hammer Postgres.
 * (Guessing is pointless anyway: a token is 256 random bits.) In memory: a guest's phone sticks to one
 * instance for a minute at a time, and the cap is a guard against a loop, not a quota.
 */
export class LinkThrottle {
  private readonly uses = new Map<string, number[]>();
  private lastPrune = 0;

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Null when this use may go ahead (and it is counted); else the seconds until one may. */
  take(token: string): number | null {
    const t = this.now();
    this.prune(t);
    const key = createHash('sha256').update(token).digest('base64url');
    const recent = (this.uses.get(key) ?? []).filter((at) => at > t - 60_000);
    if (recent.length >= this.perMinute) {
      this.uses.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] + 60_000 - t) / 1000));
    }
    recent.push(t);
    this.uses.set(key, recent);
    return null;
  }

  /** Forget tokens unused for a minute, at most once a minute: memory stays bounded by a minute's tokens. */
  private prune(t: number) {
    if (t - this.lastPrune < 60_000) return;
    this.lastPrune = t;
    for (const [key, times] of this.uses) if (times[times.length - 1] <= t - 60_000) this.uses.delete(key);
  }
}
