import { describe, expect, test } from 'bun:test';
import { encodeFrame, formatComment, formatFrame, formatRetry, parseResumeId, parseTypes } from '../../src/realtime/frame.ts';

describe('SSE framing', () => {
  test('an event is id, event and data lines ended by a blank line', () => {
    expect(formatFrame({ id: 7, event: 'loyalty_updated', data: '{"a":1}' })).toBe('id: 7\nevent: loyalty_updated\ndata: {"a":1}\n\n');
  });

  test('multi-line data becomes one data: line per line, whatever the line ending', () => {
    expect(formatFrame({ event: 'html', data: '<tr>\n<td>1</td>\r\n</tr>\rend' }))
      .toBe('event: html\ndata: <tr>\ndata: <td>1</td>\ndata: </tr>\ndata: end\n\n');
    expect(formatFrame({ data: '' })).toBe('data: \n\n');
    expect(formatFrame({ data: 'a\n' })).toBe('data: a\ndata: \n\n');
  });

  test('ids and event names with line breaks or NUL are refused instead of corrupting the stream', () => {
    expect(() => formatFrame({ id: '1\n2', data: 'x' })).toThrow();
    expect(() => formatFrame({ event: 'a\rb', data: 'x' })).toThrow();
    expect(() => formatFrame({ id: '1\u00002', data: 'x' })).toThrow();
  });

  test('comments, retry hints and bytes', () => {
    expect(formatComment('hb')).toBe(': hb\n\n');
    expect(formatComment()).toBe(':\n\n');
    expect(formatRetry(2000.7)).toBe('retry: 2000\n\n');
    expect(new TextDecoder().decode(encodeFrame({ id: 1, event: 'x', data: 'é' }))).toBe('id: 1\nevent: x\ndata: é\n\n');
  });

  test('resume ids: decimal ids parse, blanks mean none, anything else is invalid', () => {
    expect(parseResumeId('42')).toBe(42);
    expect(parseResumeId(' 0 ')).toBe(0);
    expect(parseResumeId(null)).toBeNull();
    expect(parseResumeId('')).toBeNull();
    for (const bad of ['-1', '1.5', 'abc', '1e3', '9999999999999999', '0x10']) expect(parseResumeId(bad)).toBe('invalid');
  });

  test('types filter: comma-separated, blanks ignored, empty means every type', () => {
    expect(parseTypes('a, b,,c')).toEqual(new Set(['a', 'b', 'c']));
    expect(parseTypes('')).toBeNull();
    expect(parseTypes(' , ')).toBeNull();
    expect(parseTypes(undefined)).toBeNull();
  });
});
