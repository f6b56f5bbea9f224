import { toEnvelope } from './envelope.ts';
import { encodeFrame } from './frame.ts';
import type { HubEvent } from './subscriber.ts';

/** Renders an event's SSE `data:` payload for one format (may span lines); null skips the event. */
export type Render = (event: HubEvent) => string | null;

/**
 * The payloads a stream can carry, by name: 'json' (the envelope, for POS and integrators) is built
 * in; the admin pages register 'admin' (HTML fragments). A door registers its format at startup, so
 * realtime never imports a door.
 */
/** Frames replay remembers: a deploy's resuming clients all replay the same last seconds of events. */
const REPLAYED_FRAMES = 1000;

export class Formats {
  /** Recently replayed frames by tenant, format and id, oldest first (see replayFrame). */
  private readonly replayed = new Map<string, Uint8Array | null>();
  private readonly renders = new Map<string, Render>([['json', (e) => JSON.stringify(toEnvelope(e))]]);

  register(name: string, render: Render) {
    this.renders.set(name, render);
    this.replayed.clear();
  }

  has(name: string): boolean {
    return this.renders.has(name);
  }

  /** The event as one encoded SSE frame in this format, or null when the format skips it. */
  frame(name: string, e: HubEvent): Uint8Array | null {
    const render = this.renders.get(name);
    if (!render) throw new Error(`unknown stream format ${name}`);
    const data = render(e);
    return data === null ? null : encodeFrame({ id: e.id, event: e.type, data });
  }

  /**
   * frame(), remembered for the last REPLAYED_FRAMES events replayed: in a reconnect storm every stream
   * that moved replays nearly the same events, which would otherwise be rendered once per stream (an
   * admin page's HTML, a JSON envelope). An event's frame in a format is the same for every stream
   * (fan-out shares it too).
   */
  replayFrame(name: string, e: HubEvent): Uint8Array | null {
    const key = `${e.tenantId}:${name}:${e.id}`;
    const hit = this.replayed.get(key);
    if (hit !== undefined) return hit;
    const bytes = this.frame(name, e);
    this.replayed.set(key, bytes);
    if (this.replayed.size > REPLAYED_FRAMES) this.replayed.delete(this.replayed.keys().next().value!);
    return bytes;
  }
}
