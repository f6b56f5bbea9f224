import { describe, expect, test } from 'bun:test';
import { DirectSink } from '../../src/realtime/directSink.ts';

/** Bun's direct controller: write() takes bytes, or answers a promise while the socket pushes back. */
function fakeController() {
  const written: number[] = [];
  let pushBack: (() => void)[] | null = null;
  const ctl = {
    ended: 0,
    write(bytes: Uint8Array) {
      written.push(bytes.byteLength);
      if (!pushBack) return bytes.byteLength;
      const list = pushBack;
      return new Promise<number>((resolve) => list.push(() => resolve(bytes.byteLength)));
    },
    flush: () => 0,
    end() { return ctl.ended++; },
  };
  return {
    ctl, written,
    stall() { pushBack = []; },
    drain() { const list = pushBack ?? []; pushBack = null; for (const r of list) r(); },
  };
}

describe('a direct stream sink', () => {
  test('bytes the socket has not taken count against the limit until it takes them', async () => {
    const sink = new DirectSink(100);
    const f = fakeController();
    void sink.pull(f.ctl);
    sink.enqueue(new Uint8Array(500)); // taken at once: a large frame never counts
    expect(sink.desiredSize).toBe(100);
    f.stall();
    sink.enqueue(new Uint8Array(60));
    sink.enqueue(new Uint8Array(60));
    expect(sink.desiredSize).toBe(-20);
    f.drain();
    await Bun.sleep(0);
    expect(sink.desiredSize).toBe(100);
    expect(f.written).toEqual([500, 60, 60]);
  });

  test('bytes written before the body starts are held, counted, and written first when it does', () => {
    const sink = new DirectSink(100);
    sink.enqueue(new Uint8Array(30));
    sink.enqueue(new Uint8Array(80));
    expect(sink.desiredSize).toBe(-10);
    const f = fakeController();
    void sink.pull(f.ctl);
    expect(f.written).toEqual([30, 80]);
    expect(sink.desiredSize).toBe(100);
  });

  test('close() ends the response gracefully; error() resets it; a closed sink refuses bytes', async () => {
    const closed = new DirectSink(100);
    const a = fakeController();
    const ended = closed.pull(a.ctl);
    closed.close();
    await ended;
    expect(a.ctl.ended).toBe(1);
    expect(() => closed.enqueue(new Uint8Array(1))).toThrow();

    const failed = new DirectSink(100);
    const b = fakeController();
    const reset = failed.pull(b.ctl);
    failed.error();
    expect(await reset.then(() => 'resolved', () => 'rejected')).toBe('rejected');
    expect(b.ctl.ended).toBe(0);

    const early = new DirectSink(100);
    early.error();
    expect(await early.pull(fakeController().ctl).then(() => 'resolved', () => 'rejected')).toBe('rejected');
  });
});
