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
export class Formats {
  private readonly renders = new Map<string, Render>([['json', (e) => JSON.stringify(toEnvelope(e))]]);

  register(name: string, render: Render) {
    this.renders.set(name, render);
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
}
