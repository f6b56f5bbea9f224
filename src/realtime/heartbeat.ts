import { encodeText, formatComment } from './frame.ts';
import type { Subscriber } from './subscriber.ts';

const SLICES = 10;
const BEAT = encodeText(formatComment('hb'));

/**
 * Comment lines that keep idle streams open (Bun's idle timer, proxies that drop silent streams).
 * Streams are split into SLICES groups by when they opened, and each tick writes to one group, so every
 * stream still gets a comment once per `everyMs` but 10,000 streams never take 10,000 socket writes at
 * once: an event committed just after a heartbeat would otherwise queue behind all of them.
 */
export class Heartbeat {
  private opened = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** The slice a newly opened stream joins: round robin, so slices stay even. */
  nextSlice(): number {
    return this.opened++ % SLICES;
  }

  start(everyMs: number, streams: Iterable<Subscriber>, send: (sub: Subscriber, bytes: Uint8Array) => void) {
    if (this.timer) return;
    let tick = 0;
    this.timer = setInterval(() => {
      const slice = tick++ % SLICES;
      for (const sub of streams) if (sub.slice === slice) send(sub, BEAT);
    }, Math.max(1, Math.floor(everyMs / SLICES)));
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
