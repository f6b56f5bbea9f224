import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// A deploy moves every stream of the stopping instance to the others: the `retry:` hints at shutdown
// spread them over a window that grows with how many there are (SSE_SHUTDOWN_RESUMES_PER_S), so a
// large instance does not hand all its resumes to the next one within SSE_RETRY_MS.
const t = await testApp({ SSE_RETRY_MS: 100, SSE_SHUTDOWN_RESUMES_PER_S: 10 });
const STREAM = `${serve(t.app)}/api/v1/events/stream`;

describe('shutdown', () => {
  test('spreads the streams’ retry hints over open streams ÷ SSE_SHUTDOWN_RESUMES_PER_S seconds, not only SSE_RETRY_MS', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => rawStream(STREAM, { authorization: `Bearer ${t.keyA}` })));
    for (const s of streams) expect(s.res.status).toBe(200);
    await until(() => t.hub.openStreams === 20, 'twenty streams registered');
    t.hub.stop();
    await until(() => streams.every((s) => s.ended), 'every stream closed by the shutdown');
    // Each stream's last frame is its shutdown hint (the first frame was the usual SSE_RETRY_MS one).
    const hints = streams.map((s) => s.frames.at(-1)!.retry).map(Number);
    for (const h of hints) expect(h).toBeLessThanOrEqual(2000); // 20 streams ÷ 10 per second
    // Twenty uniform draws over 2 s all at or under 100 ms: odds of 0.05^20 if the window is right.
    expect(Math.max(...hints)).toBeGreaterThan(100);
    expect(t.hub.openStreams).toBe(0);
  });
});
