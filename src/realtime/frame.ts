// Pure SSE framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). No I/O: the hub
// encodes each event once with these and writes the same bytes to every subscriber.

const encoder = new TextEncoder();

export type Frame = { id?: string | number; event?: string; data: string };

// A field value may not contain a line break: the parser would end the field there and read the rest
// as a new field. `data` is split into one `data:` line per line; ids and names must be single lines.
const LINE_BREAK = /\r\n|\r|\n/;

function singleLine(name: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new Error(`SSE ${name} must not contain a line break`);
  return value;
}

/** One event as SSE text: `id:`, `event:`, one `data:` line per line of data, then a blank line. */
export function formatFrame(frame: Frame): string {
  let out = '';
  if (frame.id !== undefined) {
    const id = singleLine('id', String(frame.id));
    // An id containing NUL is ignored by parsers, which would silently break resume.
    if (id.includes('\0')) throw new Error('SSE id must not contain NUL');
    out += `id: ${id}\n`;
  }
  if (frame.event !== undefined) out += `event: ${singleLine('event', frame.event)}\n`;
  for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + '\n';
}

/** A comment line: ignored by clients, keeps proxies and idle timers from closing the stream. */
export function formatComment(text = ''): string {
  return text.split(LINE_BREAK).map((l) => `:${l ? ' ' + l : ''}\n`).join('') + '\n';
}

/** How long a client waits before reconnecting after the stream ends. */
export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

export const encodeFrame = (frame: Frame): Uint8Array => encoder.encode(formatFrame(frame));
export const encodeText = (text: string): Uint8Array => encoder.encode(text);

/**
 * A resume point from `Last-Event-ID` or `?lastEventId=`: a non-negative decimal event id, or
 * 'invalid' for anything else (the stream answers that with `event: reset`), or null when absent.
 */
export function parseResumeId(raw: string | null | undefined): number | 'invalid' | null {
  if (raw === null || raw === undefined) return null;
  const v = raw.trim();
  if (v === '') return null;
  if (!/^\d{1,15}$/.test(v)) return 'invalid';
  return Number(v);
}

/** `types=a,b` → a set (null = every type). Blank entries are ignored. */
export function parseTypes(raw: string | null | undefined): Set<string> | null {
  if (!raw) return null;
  const types = raw.split(',').map((t) => t.trim()).filter(Boolean);
  return types.length ? new Set(types) : null;
}
