// The rolling-restart run's stream clients, in a process of their own (started by startStreamClients
// below, not run by hand). Why a separate process: Bun's fetch serves at most
// BUN_CONFIG_MAX_HTTP_REQUESTS (256) requests at once, and a stream being read holds its slot for as long
// as it lasts, so past 256 streams the rest wait for ever. Bun reads that variable when the process
// starts and `bun test` does not honour it at all; a plain `bun` process started with it set does.
//
// Protocol (Bun IPC, structured clone): the parent sends `open` with each client's url, headers and
// starting id; this process answers `progress` every second until all are open, then `opened`. The
// parent sends `report` with the event ids every client must have; this process waits (bounded) until
// each has them all, answers with a per-client summary, and exits on `close`.
import { resumingStream, type Resuming } from './resumingStream.ts';

export type ClientSpec = { url: string; headers: Record<string, string>; lastEventId: number };
export type ClientSummary = {
  received: number; missing: number; firstMissing?: number; duplicates: number; firstDuplicate?: number;
  resumeMs: number[]; connectMs: number[]; refusals: string[];
};
export type ToClients = { type: 'open'; clients: ClientSpec[] } | { type: 'report'; expected: number[]; waitMs: number } | { type: 'close' };
export type FromClients =
  | { type: 'progress'; opened: number; refusals: number }
  | { type: 'opened' }
  | { type: 'report'; clients: ClientSummary[] };

export type StreamClients = {
  /** Settles once every client has its first stream; `onProgress` hears how many, every second. */
  opened: Promise<void>;
  report(expected: number[], waitMs: number): Promise<ClientSummary[]>;
  close(): Promise<void>;
};

/** Start the clients' process and open `specs` streams from it (each resuming through every restart). */
export function startStreamClients(specs: ClientSpec[], onProgress: (opened: number, refusals: number) => void = () => {}): StreamClients {
  let onOpened!: () => void;
  let onReport: ((c: ClientSummary[]) => void) | undefined;
  const opened = new Promise<void>((res) => { onOpened = res; });
  const proc = Bun.spawn(['bun', import.meta.path], {
    // A slot per stream, plus room for the reconnects a restart overlaps with the streams they replace.
    env: { ...process.env as Record<string, string>, BUN_CONFIG_MAX_HTTP_REQUESTS: String(Math.min(65_000, specs.length * 2 + 256)) },
    stdout: 'inherit', stderr: 'inherit',
    ipc(m: FromClients) {
      if (m.type === 'progress') onProgress(m.opened, m.refusals);
      else if (m.type === 'opened') onOpened();
      else onReport?.(m.clients);
    },
  });
  // A process that dies fails whatever is waiting on it, with its exit code, instead of hanging.
  const died = proc.exited.then((code) => { throw new Error(`the stream clients' process exited with ${code}`); });
  died.catch(() => {});
  const send = (m: ToClients) => proc.send(m);
  send({ type: 'open', clients: specs });
  return {
    opened: Promise.race([opened, died]),
    report: (expected, waitMs) => Promise.race([died, new Promise<ClientSummary[]>((res) => { onReport = res; send({ type: 'report', expected, waitMs }); })]),
    async close() {
      if (proc.exitCode === null) send({ type: 'close' });
      // Bounded: a process that does not exit in 5 s is killed.
      if (await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]) === false) proc.kill('SIGKILL');
    },
  };
}

if (import.meta.main) {
  let clients: (Resuming & { opened: Promise<void> })[] = [];
  const send = (m: FromClients) => process.send!(m);
  process.on('message', async (m: ToClients) => {
    if (m.type === 'open') {
      clients = m.clients.map((c) => resumingStream(c.url, c.headers, c.lastEventId));
      let opened = 0;
      for (const c of clients) c.opened.then(() => opened++);
      const progress = setInterval(() => send({ type: 'progress', opened, refusals: clients.reduce((n, c) => n + c.refusals.length, 0) }), 1000);
      await Promise.all(clients.map((c) => c.opened));
      clearInterval(progress);
      send({ type: 'opened' });
    } else if (m.type === 'report') {
      const end = Date.now() + m.waitMs;
      while (Date.now() < end && clients.some((c) => c.ids.length < m.expected.length)) await Bun.sleep(100);
      // A duplicate sent right after the last expected id would still arrive in this moment.
      await Bun.sleep(200);
      send({
        type: 'report',
        clients: clients.map((c) => {
          const got = new Set(c.ids);
          const missing = m.expected.filter((id) => !got.has(id));
          return {
            received: c.ids.length, missing: missing.length, firstMissing: missing[0],
            duplicates: c.duplicates.length, firstDuplicate: c.duplicates[0], resumeMs: c.resumeMs, connectMs: c.connectMs, refusals: c.refusals,
          };
        }),
      });
    } else {
      for (const c of clients) c.close();
      process.exit(0);
    }
  });
}
