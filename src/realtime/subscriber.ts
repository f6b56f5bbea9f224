import type { OutboxEvent } from './envelope.ts';

/** One committed outbox row, as the hub hands it to a format's renderer. */
export type HubEvent = OutboxEvent;

/** Where a stream's bytes go: the response body's direct sink (directSink.ts), which counts bytes the socket has not taken. */
export type Sink = Pick<ReadableStreamDefaultController<Uint8Array>, 'enqueue' | 'close' | 'error' | 'desiredSize'>;

export type CloseReason = 'client' | 'slow' | 'revoked' | 'shutdown' | 'error';

/** One open stream. Registered before its replay so no live event can slip between replay and live. */
export type Subscriber = {
  readonly tenantId: string;
  /** Which per-key cap this stream counts against (see registry.ts); null for none. */
  readonly streamKey: string | null;
  /** The admin session the stream was opened with: it closes when the session ends. Null for a key. */
  readonly sessionId: string | null;
  readonly types: Set<string> | null;
  /** Only these sites' per-site events (see reach.ts); null: every site. */
  readonly sites: ReadonlySet<string> | null;
  /** Types the caller may not receive (see reach.ts hiddenFrom); null: none. */
  readonly hidden: ReadonlySet<string> | null;
  /**
   * A last test on the already-parsed event, live and on replay alike (a guest wallet's: this customer's
   * events only, src/wallet/filter.ts); null: none. Pure and cheap: it runs per stream per event.
   */
  readonly only: ((e: HubEvent) => boolean) | null;
  /** The admin whose personal events it receives (see reach.ts); null: none (keys). */
  readonly admin: string | null;
  readonly format: string;
  readonly sink: Sink;
  /** Which heartbeat tick this stream belongs to (see heartbeat.ts). */
  readonly slice: number;
  /** When it opened (ms since epoch): a terminal's presence says since when it is connected. */
  readonly openedAt: number;
  lastSentId: number;
  /** The tenant cursor at registration (null: the tenant's first cursor, still loading). */
  startAfter: number | null;
  live: boolean;
  /** Live frames that arrived during the replay, flushed (skipping ids already sent) when it ends. */
  pending: { id: number; bytes: Uint8Array }[];
  pendingBytes: number;
  closed: boolean;
  /** Settles once the subscriber's starting point is fixed: a client told "open" after this misses nothing. */
  started: Promise<void>;
};

export function newSubscriber(
  fields: Pick<Subscriber, 'tenantId' | 'streamKey' | 'types' | 'format' | 'sink' | 'slice'> & {
    sessionId?: string | null; sites?: ReadonlySet<string> | null; hidden?: ReadonlySet<string> | null;
    only?: ((e: HubEvent) => boolean) | null; admin?: string | null;
  },
): Subscriber {
  return {
    ...fields, sessionId: fields.sessionId ?? null, sites: fields.sites ?? null, hidden: fields.hidden ?? null, only: fields.only ?? null, admin: fields.admin ?? null, openedAt: Date.now(), lastSentId: -1, startAfter: null, live: false, pending: [], pendingBytes: 0, closed: false,
    started: Promise.resolve(),
  };
}
