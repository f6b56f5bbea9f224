import { describe, expect, test } from 'bun:test';
import { Formats } from '../../src/realtime/formats.ts';
import type { HubEvent } from '../../src/realtime/subscriber.ts';

const event = (tenantId: string, id: number): HubEvent => ({
  tenantId, tenantSlug: tenantId, id, type: 'loyalty_updated', locationId: null, data: { id }, actor: null, createdAt: '2026-11-30T10:00:00.000Z',
});

describe('replayed frames', () => {
  test('every stream replaying an event shares one rendering of it, per tenant and format, and only recent ones are kept', () => {
    const formats = new Formats();
    const rendered: string[] = [];
    formats.register('html', (e) => { rendered.push(`${e.tenantId}:${e.id}`); return `<p>${e.id}</p>`; });
    // A storm: a hundred resumed streams replay the same two events.
    for (let i = 0; i < 100; i++) {
      expect(new TextDecoder().decode(formats.replayFrame('html', event('a', 1))!)).toBe('id: 1\nevent: loyalty_updated\ndata: <p>1</p>\n\n');
      formats.replayFrame('html', event('a', 2));
    }
    expect(rendered).toEqual(['a:1', 'a:2']);
    // Ids are per tenant: another tenant's event 1 is its own frame. Another format renders its own.
    formats.replayFrame('html', event('b', 1));
    expect(rendered).toEqual(['a:1', 'a:2', 'b:1']);
    expect(JSON.parse(new TextDecoder().decode(formats.replayFrame('json', event('a', 1))!).split('data: ')[1]).id).toBe('1');
    // Bounded: after a thousand other events, the first is rendered again.
    for (let id = 100; id < 1100; id++) formats.replayFrame('html', event('a', id));
    rendered.length = 0;
    formats.replayFrame('html', event('a', 1));
    expect(rendered).toEqual(['a:1']);
  });
});
