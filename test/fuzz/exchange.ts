import { PROBLEM_CODES } from '../../src/platform/errors.ts';

type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/**
 * How long one answer may take. A refusal takes milliseconds; on a busy 2-core machine a few hundred.
 * Past this the request is abandoned and counted as a hang (the issue saw one hang for more than 10 s).
 */
export const DEADLINE_MS = 5_000;

export type Sent = { method: string; url: string; headers: Record<string, string>; body?: string };
export type Answer = { status: number; contentType: string; text: string } | { hang: true; afterMs: number } | { thrown: string };

/** Send one request in-process and read its whole answer, or give up at the deadline. Streams are cut after the head. */
export async function exchange(app: Requester, req: Sent, deadlineMs = DEADLINE_MS): Promise<Answer> {
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => { ctrl.abort(); resolve({ hang: true, afterMs: deadlineMs }); }, deadlineMs);
  });
  const work = (async (): Promise<Answer> => {
    try {
      const res = await app.request(req.url, { method: req.method, headers: req.headers, body: req.body, signal: ctrl.signal });
      const contentType = res.headers.get('content-type') ?? '';
      // An accepted stream never ends by itself: its head is the answer.
      if (contentType.startsWith('text/event-stream')) {
        await res.body?.cancel();
        return { status: res.status, contentType, text: '' };
      }
      return { status: res.status, contentType, text: await res.text() };
    } catch (err) {
      return { thrown: String((err as Error)?.stack ?? err) };
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const CODES = new Set<string>(PROBLEM_CODES);

/** What is wrong with an API answer, or null. Every refusal is problem+json with a known code and its own status. */
export function judgeApi(answer: Answer, expect: 'refuse' | 'either'): string | null {
  if ('hang' in answer) return `no answer within ${answer.afterMs} ms`;
  if ('thrown' in answer) return `the app threw instead of answering: ${answer.thrown.slice(0, 300)}`;
  const { status, contentType, text } = answer;
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (expect === 'refuse' && (status < 400 || status >= 500)) return `accepted (${status}) a request the contract refuses`;
  if (status < 400) return null;
  if (!contentType.startsWith('application/problem+json')) return `${status} with content-type ${contentType || 'none'}`;
  let p: any;
  try { p = JSON.parse(text); } catch { return `${status} with a body that is not JSON: ${text.slice(0, 200)}`; }
  if (!CODES.has(p?.code)) return `${status} with code ${JSON.stringify(p?.code)}, not one of PROBLEM_CODES`;
  if (p.status !== status) return `${status} with a problem whose status says ${p.status}`;
  return null;
}

/** What is wrong with an admin form's answer, or null: a refusal is a 4xx HTML page or fragment, never a 5xx. */
export function judgeAdmin(answer: Answer): string | null {
  if ('hang' in answer) return `no answer within ${answer.afterMs} ms`;
  if ('thrown' in answer) return `the app threw instead of answering: ${answer.thrown.slice(0, 300)}`;
  const { status, contentType, text } = answer;
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (status < 400) return `answered ${status} to a form the service must refuse`;
  if (!contentType.startsWith('text/html')) return `${status} with content-type ${contentType || 'none'}, not HTML`;
  return null;
}

/** The exact request, for a report someone can replay (long values shortened, their length kept). */
export function describe(req: Sent): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 200)}…(${s.length} chars)` : s);
  // Credentials of a throwaway test database, but still not worth printing.
  const secret = (k: string, v: string) => k === 'authorization' ? v.replace(/tsk_[\w-]+/, 'tsk_…')
    : k === 'cookie' ? v.replace(/=([^;]{8})[^;]*/g, '=$1…') : k === 'x-csrf-token' ? `${v.slice(0, 8)}…` : cut(v);
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${secret(k, v)}`);
  return [`${req.method} ${cut(req.url)}`, ...headers, ...(req.body === undefined ? [] : ['', cut(JSON.stringify(req.body))])].join('\n    ');
}
