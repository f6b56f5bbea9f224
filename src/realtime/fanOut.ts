import type { Formats } from './formats.ts';
import { receives } from './reach.ts';
import type { HubEvent, Subscriber } from './subscriber.ts';

/** What fan-out does with a frame: write it to a live stream, or buffer it for one still replaying. */
export type FanOutTarget = {
  deliver(sub: Subscriber, bytes: Uint8Array): void;
  hold(sub: Subscriber, id: number, bytes: Uint8Array): void;
};

/**
 * Hand one new event of a tenant to its streams. It is rendered and encoded at most once per format,
 * and the same bytes go to every stream that wants it (its types and sites: two set lookups): at 10,000
 * streams per-client formatting is what costs (README, fan-out benchmark).
 */
export function fanOut(e: HubEvent, streams: Iterable<Subscriber>, formats: Formats, target: FanOutTarget) {
  const frames = new Map<string, Uint8Array | null>();
  for (const sub of streams) {
    if (!receives(sub, e)) continue;
    if (sub.only && !sub.only(e)) continue;
    let bytes = frames.get(sub.format);
    if (bytes === undefined) {
      bytes = formats.frame(sub.format, e);
      frames.set(sub.format, bytes);
    }
    if (bytes === null) continue;
    if (!sub.live) {
      target.hold(sub, e.id, bytes);
    } else if (e.id > sub.lastSentId) {
      // A stream that has just gone live may already have this id from its replay's flush.
      sub.lastSentId = e.id;
      target.deliver(sub, bytes);
    }
  }
}
