import { count, when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

/** One terminal as the terminals domain reads it (the same object GET /api/v1/terminals answers with). */
export type TerminalView = {
  keyId: string;
  name: string;
  locationName: string | null;
  connected: boolean;
  streams: number;
  connectedAt: string | null;
  lastSeenAt: string | null;
  lastEventIdSent: number | null;
  lag: number | null;
  /** live: connected and keeping up; behind: connected, lag past the flag; offline: grey. */
  state: 'live' | 'behind' | 'offline';
};

const STATUS = {
  live: { mark: '●', text: 'Connected' },
  behind: { mark: '▲', text: 'Behind' },
  offline: { mark: '○', text: 'Not connected' },
} as const;

export function TerminalRow(p: { tz: string; t: TerminalView }) {
  const { t } = p;
  const status = STATUS[t.state];
  return (
    // Styled by data-state, not a class: `.live` is already the header's stream indicator.
    <tr id={`terminal-${t.keyId}`} class="terminal" data-state={t.state}>
      <th scope="row">{t.name}</th>
      <td>{t.locationName ?? <span class="muted">All locations</span>}</td>
      <td class="status">
        <span aria-hidden="true">{status.mark}</span> {status.text}
        {t.state === 'behind' ? <> <span class="tag flag">{count(t.lag ?? 0)} events behind</span></> : null}
      </td>
      <td class="right">{t.connected ? count(t.streams) : '—'}</td>
      <td>{t.connectedAt ? <time datetime={t.connectedAt}>{when(t.connectedAt, p.tz)}</time> : '—'}</td>
      <td>{t.lastSeenAt ? <time datetime={t.lastSeenAt}>{when(t.lastSeenAt, p.tz)}</time> : 'never'}</td>
      <td class="right mono">{t.lastEventIdSent ?? '—'}</td>
      <td class="right">{t.lag === null ? '—' : count(t.lag)}</td>
    </tr>
  );
}

/**
 * The table, re-read every 3 s. Presence is not an event (nothing is committed when a till's socket
 * drops, and a crashed instance cannot announce anything), so the page's stream cannot carry it; the
 * fragment polls instead. One read of a few rows every 3 s per open Terminals page is cheap, and it
 * bounds "goes grey" at 3 s past the moment the database knows (at once for a clean disconnect,
 * 3 × PRESENCE_INTERVAL_MS for a crashed instance).
 */
export function TerminalTable(p: { tz: string; base: string; terminals: TerminalView[]; newestEventId: number }) {
  return (
    <div id="terminals" hx-get={`${p.base}/terminals/table`} hx-trigger="every 3s" hx-swap="outerMorph">
      <table class="grid">
        <caption class="sr-only">Terminals</caption>
        <thead>
          <tr>
            <th scope="col">Key</th><th scope="col">Location</th><th scope="col">Status</th><th scope="col" class="right">Streams</th>
            <th scope="col">Connected since</th><th scope="col">Last seen</th><th scope="col" class="right">Last event sent</th>
            <th scope="col" class="right">Behind by</th>
          </tr>
        </thead>
        <tbody>{p.terminals.map((t) => <TerminalRow tz={p.tz} t={t} />)}</tbody>
      </table>
      {p.terminals.length ? null : <p class="empty">No API keys yet: a terminal is an API key with an open event stream.</p>}
      <p class="muted">Newest event: <span class="mono">{p.newestEventId}</span></p>
    </div>
  );
}

export function TerminalsPage(p: { meta: PageMeta; terminals: TerminalView[]; newestEventId: number; flagAt: number }) {
  return (
    <Layout meta={p.meta} title="Terminals" active="terminals">
      <p class="muted">
        Every API key, and whether it has a live event stream open. A till that disconnects turns grey within seconds;
        one more than {count(p.flagAt)} events behind is flagged.
      </p>
      <TerminalTable tz={p.meta.tz} base={adminBase(p.meta.tenantSlug)} terminals={p.terminals} newestEventId={p.newestEventId} />
    </Layout>
  );
}
