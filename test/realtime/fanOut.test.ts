import { describe, expect, test } from 'bun:test';
import { fanOut } from '../../src/realtime/fanOut.ts';
import { Formats } from '../../src/realtime/formats.ts';
import { newSubscriber, type HubEvent, type Sink, type Subscriber } from '../../src/realtime/subscriber.ts';

/** Fan-out never touches the sink itself (the target does): a stub is enough. */
const sink: Sink = { desiredSize: 1000, enqueue: () => {}, close: () => {}, error: () => {} };

const event = (id: number, type = 'loyalty_updated', locationId: string | null = null): HubEvent => ({
  tenantId: 't', tenantSlug: 'alpha', id, type, locationId, data: { id }, actor: null, createdAt: '2026-11-23T10:00:00.000Z',
});

function sub(format: string, opts: { types?: string[]; sites?: string[]; live?: boolean; lastSentId?: number } = {}) {
  const s = newSubscriber({
    tenantId: 't', streamKey: null, types: opts.types ? new Set(opts.types) : null, sites: opts.sites ? new Set(opts.sites) : null,
    format, sink, slice: 0,
  });
  s.live = opts.live ?? true;
  s.lastSentId = opts.lastSentId ?? 0;
  return { s };
}

function collect() {
  const delivered: [Subscriber, Uint8Array][] = [];
  const held: [Subscriber, number][] = [];
  return {
    delivered, held,
    target: { deliver: (s: Subscriber, b: Uint8Array) => { delivered.push([s, b]); }, hold: (s: Subscriber, id: number) => { held.push([s, id]); } },
  };
}

describe('fan-out', () => {
  test('an event is rendered once per format and the same bytes go to every stream of that format', () => {
    const formats = new Formats();
    let renders = 0;
    formats.register('html', (e) => { renders++; return `<p>${e.id}</p>`; });
    const json = [sub('json'), sub('json')];
    const html = [sub('html'), sub('html'), sub('html')];
    const c = collect();
    fanOut(event(1), [...json, ...html].map((x) => x.s), formats, c.target);
    expect(renders).toBe(1);
    expect(c.delivered.length).toBe(5);
    expect(c.delivered[0][1]).toBe(c.delivered[1][1]); // the same Uint8Array, not a copy
    expect(c.delivered[2][1]).toBe(c.delivered[4][1]);
    expect(new TextDecoder().decode(c.delivered[0][1])).toBe(
      'id: 1\nevent: loyalty_updated\ndata: {"id":"1","type":"loyalty_updated","tenant":"alpha","locationId":null,"timestamp":"2026-11-23T10:00:00.000Z","data":{"id":1}}\n\n');
  });

  test('types filter, a format may skip an event, ids already sent are not sent again, replaying streams buffer', () => {
    const formats = new Formats();
    formats.register('none', () => null);
    const wantsOther = sub('json', { types: ['new_order'] });
    const skips = sub('none');
    const ahead = sub('json', { lastSentId: 5 });
    const replaying = sub('json', { live: false });
    const c = collect();
    fanOut(event(5), [wantsOther.s, skips.s, ahead.s, replaying.s], formats, c.target);
    expect(c.delivered).toEqual([]);
    expect(c.held).toEqual([[replaying.s, 5]]);
    fanOut(event(6), [ahead.s], formats, c.target);
    expect(c.delivered.map(([s]) => s)).toEqual([ahead.s]);
    expect(ahead.s.lastSentId).toBe(6);
  });

  test("a stream following one site gets that site's orders and every group-wide event; the bytes are still shared", () => {
    const formats = new Formats();
    const soho = sub('json', { sites: ['soho'] });
    const camden = sub('json', { sites: ['camden'] });
    const all = sub('json');
    const c = collect();
    fanOut(event(1, 'new_order', 'soho'), [soho.s, camden.s, all.s], formats, c.target);
    fanOut(event(2, 'order_updated', 'camden'), [soho.s, camden.s, all.s], formats, c.target);
    fanOut(event(3, 'loyalty_updated', 'camden'), [soho.s, camden.s, all.s], formats, c.target);
    const ids = (s: Subscriber) => c.delivered.filter(([x]) => x === s).map(([, b]) => new TextDecoder().decode(b).split('\n')[0]);
    expect(ids(soho.s)).toEqual(['id: 1', 'id: 3']);
    expect(ids(camden.s)).toEqual(['id: 2', 'id: 3']);
    expect(ids(all.s)).toEqual(['id: 1', 'id: 2', 'id: 3']);
    const third = c.delivered.filter(([, b]) => new TextDecoder().decode(b).startsWith('id: 3'));
    expect(third[0][1]).toBe(third[2][1]);
    expect(new TextDecoder().decode(third[0][1])).toContain('"locationId":"camden"');
  });
});
