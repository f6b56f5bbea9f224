import { afterAll } from 'bun:test';
import { verify } from '../../src/webhooks/signature.ts';

// A webhook receiver on 127.0.0.1 (Bun.serve): records every delivery it is sent, answers 500 to the
// first `failFirst`, and may hold a delivery open until the test lets it go (an instance killed mid-delivery).

export type Hit = { eventId: string; timestamp: string; signature: string; body: string; answered: number };

export function receiver(opts: { failFirst?: number; status?: () => number } = {}) {
  const hits: Hit[] = [];
  let failures = opts.failFirst ?? 0;
  let hold: { until: Promise<void>; arrived: () => void } | null = null;
  const server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const body = await req.text();
      const h = (n: string) => req.headers.get(n) ?? '';
      const hit: Hit = { eventId: h('tillstream-event-id'), timestamp: h('tillstream-timestamp'), signature: h('tillstream-signature'), body, answered: 0 };
      hits.push(hit);
      if (hold) {
        const held = hold;
        hold = null;
        held.arrived();
        await held.until;
      }
      hit.answered = opts.status ? opts.status() : failures-- > 0 ? 500 : 200;
      return new Response(hit.answered === 200 ? 'thanks' : 'not now', { status: hit.answered });
    },
  });
  afterAll(() => server.stop(true));
  return {
    url: `http://127.0.0.1:${server.port}/hook`,
    hits,
    /** Ids answered 2xx, in arrival order. */
    delivered: () => hits.filter((h) => h.answered === 200).map((h) => Number(h.eventId)),
    /** The next delivery is held until `release()`; `arrived` settles when it is. */
    holdNext() {
      let release!: () => void;
      let arrived!: () => void;
      const until = new Promise<void>((r) => { release = r; });
      const came = new Promise<void>((r) => { arrived = r; });
      hold = { until, arrived };
      return { release, arrived: came };
    },
    /** Every hit's signature checks out against the secret. */
    allSigned: (secret: string) => hits.every((h) => verify(secret, h.timestamp, h.body, h.signature)),
    stop: () => server.stop(true),
  };
}
