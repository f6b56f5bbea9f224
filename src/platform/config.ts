import { z } from 'zod';

// Every setting the service reads, validated once at boot. Nothing else reads process.env.
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const Config = z.object({
  PORT: int(3000, 0),
  HOST: z.string().default('0.0.0.0'),
  /** Postgres 15+; when absent an embedded Postgres runs with its data under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** The LISTEN connection must be direct (not PgBouncer transaction mode); defaults to DATABASE_URL. */
  LISTEN_DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),
  EMBEDDED_PG_PORT: int(54329, 1),
  DB_POOL_MAX: int(10, 1),
  /** Give up connecting to Postgres after this long (a request then answers 503 database_unavailable). */
  DB_CONNECT_TIMEOUT_MS: int(5000, 100),
  /** Postgres cancels any statement (lock waits included) running longer than this. */
  DB_STATEMENT_TIMEOUT_MS: int(10_000, 100),
  /**
   * A CSV export's one statement (its cursor, in a read-only transaction of its own) may run this long
   * instead: the whole ledger of a group is millions of rows, about a minute at 100,000 rows/s.
   */
  EXPORT_STATEMENT_TIMEOUT_MS: int(600_000, 1000),
  /** On SIGTERM/SIGINT, in-flight requests get this long to finish before their connections are closed. */
  SHUTDOWN_GRACE_MS: int(10_000, 0),
  /**
   * On SIGTERM/SIGINT, keep serving this long with /readyz answering 503 before the listening socket
   * closes, so a load balancer's health check takes the instance out of rotation first: a request
   * it sends in that window is served, not reset. Set it above the check's interval × fall.
   */
  SHUTDOWN_DRAIN_MS: int(0, 0),
  /** Create a demo tenant and print its API key on first start. */
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Request bodies above this many bytes are refused with 413. */
  BODY_LIMIT_BYTES: int(64 * 1024, 1024),
  IDEMPOTENCY_RETENTION_HOURS: int(48, 24),
  EVENT_RETENTION_HOURS: int(24 * 7, 1),
  SSE_HEARTBEAT_MS: int(5000, 100),
  SSE_RETRY_MS: int(2000, 100),
  /**
   * At shutdown the streams' `retry:` hints are spread over max(SSE_RETRY_MS, open streams ÷ this × 1 s),
   * so the instances that take them over see about this many resumes a second from this one, whatever
   * it held (each resume is an authentication and a replay read; 1,000 in one second overloaded a
   * 2-core instance in the rolling-restart test).
   */
  SSE_SHUTDOWN_RESUMES_PER_S: int(250, 1),
  SSE_MAX_STREAMS_PER_KEY: int(50, 1),
  /** Bytes queued for one client before it is dropped as too slow (it reconnects and resumes). */
  SSE_CLIENT_QUEUE_BYTES: int(1024 * 1024, 1024),
  /** A guest wallet link (/w/<token>) works this long after it is made (30 days: a printed card's life). */
  WALLET_LINK_TTL_HOURS: int(24 * 30, 1),
  /** Open live streams per wallet link (a guest's phone and a tab or two); past it, 429. */
  WALLET_STREAMS_PER_LINK: int(5, 1),
  /** Uses of one wallet link (page loads and stream opens) per rolling minute, per instance; past it, 429. */
  WALLET_REQUESTS_PER_MINUTE: int(30, 1),
  LISTENER_HEARTBEAT_MS: int(10_000, 100),
  /** The event listener down longer than this notifies the owners (once per outage: notifications/). */
  LISTENER_DOWN_NOTIFY_MS: int(60_000, 100),
  /** How often open streams are checked against revoked keys. */
  KEY_SWEEP_MS: int(10_000, 100),
  /**
   * A resolved API key or admin session is trusted from memory at most this long (identity/authCache.ts): the backstop
   * should a credential change's NOTIFY be lost while the listener is down but not yet known to be.
   */
  AUTH_CACHE_TTL_MS: int(5000, 0),
  /** Resolved API keys kept per instance, and as many admin sessions (least recently used go first). */
  AUTH_CACHE_MAX: int(5000, 1),
  /**
   * How often each instance writes its terminals' presence (one statement); a crashed instance's
   * terminals count as disconnected 3 × this after its last write.
   */
  PRESENCE_INTERVAL_MS: int(5000, 100),
  MAINTENANCE_INTERVAL_MS: int(60_000, 1000),
  /** Secure cookies; set when the service is served over TLS. */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Webhook endpoints on loopback, private and link-local addresses (after DNS) receive deliveries only when true (SSRF). */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** One delivery (connect, send, response) is abandoned after this long and counts as a failure. */
  WEBHOOK_TIMEOUT_MS: int(5000, 100),
  /** First retry delay after a failed delivery; it doubles per failure (with jitter) up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: int(10_000, 10),
  WEBHOOK_RETRY_MAX_MS: int(60 * 60_000, 10),
  /** An endpoint whose head event has failed for this long is disabled (an owner re-enables it). */
  WEBHOOK_FAILURE_HORIZON_MS: int(24 * 60 * 60_000, 100),
  /** How often each instance looks for endpoints due a retry (new events wake it at once, via NOTIFY). */
  WEBHOOK_SWEEP_MS: int(5000, 20),
  /** Endpoints one instance delivers to at once (each holds a database connection while it delivers). */
  WEBHOOK_CONCURRENCY: int(2, 1),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof Config>;

/** Parse settings from an environment; prints every bad field and exits (boot must fail fast). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Config.safeParse(env);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    console.error(`config: ${issue.path.join('.')}: ${issue.message}`);
  }
  console.error('Fix the settings above (see README "Settings") and start again.');
  process.exit(1);
}

/** Defaults only: for tests and tools that construct the app in-process. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...Config.parse({}), ...overrides };
}
