import { describe, expect, test } from 'bun:test';
import { SseParser } from '../../src/client/sseParser.ts';

describe('SseParser', () => {
  const text = 'retry: 1500\n: hb\n\nid: 7\nevent: loyalty_updated\ndata: {"a":1}\n\nid: 8\nevent: reset\ndata: line one\ndata: line two\n\n';

  test('a stream split at every possible point yields the same events, comments ignored, retry read', () => {
    const whole = new SseParser().push(text);
    expect(whole).toEqual([
      { id: '7', event: 'loyalty_updated', data: '{"a":1}' },
      { id: '8', event: 'reset', data: 'line one\nline two' },
    ]);
    for (let i = 1; i < text.length; i++) {
      const p = new SseParser();
      expect([...p.push(text.slice(0, i)), ...p.push(text.slice(i))]).toEqual(whole);
      expect(p.retryMs).toBe(1500);
    }
  });

  test('CRLF line ends split between the CR and the LF do not make an empty line (a spurious dispatch)', () => {
    const p = new SseParser();
    expect(p.push('id: 1\r')).toEqual([]);
    expect(p.push('\ndata: x\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ id: '1', event: 'message', data: 'x' }]);
  });

  test('a frame with no data is not an event, and an id persists to the next event as the standard says', () => {
    const p = new SseParser();
    expect(p.push('id: 3\n\ndata: y\n\n')).toEqual([{ id: '3', event: 'message', data: 'y' }]);
  });
});
