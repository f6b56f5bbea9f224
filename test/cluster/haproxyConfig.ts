// The HAProxy configuration the rolling-restart test runs behind, and the one the README's deployment
// guide prints. Every choice is for the service's behaviour (HAProxy 2.6, Debian 12):
//
// - balance leastconn, no cookie/stick-table: any instance resumes any client (Last-Event-ID is all
//   a stream needs), and long-lived streams make connection counts, not request counts, the load.
// - option httpchk GET /readyz every 1 s, fall 1: an instance answers 503 from the moment it gets
//   SIGTERM (and then stops listening), so one failed check takes it out of rotation.
// - retries 3 + option redispatch 1: a request that meets a closed port (the instance just stopped
//   listening, before the check noticed) goes to another server, not back to the client as an error.
//   HAProxy retries only connection failures here; a POST that reached an instance is never replayed
//   by the proxy (the client's Idempotency-Key makes its own retry safe).
// - option http-server-close: one server connection per request. The instances close idle keep-alive
//   connections on their own timer and at shutdown; reusing one at that moment would fail a request
//   the proxy may not retry. Client-side keep-alive stays on.
// - timeout server/client 30 s: an SSE stream is a long HTTP response (never an upgraded tunnel), so
//   these inactivity timeouts apply to it; the service's heartbeat (SSE_HEARTBEAT_MS, 5 s) keeps both
//   sides active. timeout tunnel covers anything upgraded; client-fin clears vanished clients.
// - timeout check 5s: a SIGTERM'd instance answers /readyz 503 at once, so this does not slow a deploy;
//   it is how long a busy instance may take to answer. Under a reconnect storm on a busy 2-core machine
//   /readyz took 2-4 s, and at 2 s the check took healthy instances out (their load then moved to the
//   others). A hung instance is out within inter + 5 s.
// - http-error 503: when no server is up, HAProxy answers as the service does (problem+json with
//   Retry-After), so a client's one retry rule covers both.

import { problem } from '../../src/platform/errors.ts';

// HAProxy's own answer when no server is up: the service's problem shape, with a code from the
// contract's enum (the typecheck holds it there), so generated clients know it.
const NO_INSTANCE = JSON.stringify(problem(503, 'service_unavailable', 'No instance is available; try again.'));

export type Server = { name: string; host?: string; port: number };

export function haproxyConfig(opts: { port: number; bind?: string; servers: Server[]; maxconn?: number; statsPort?: number }): string {
  // Each proxied stream holds two descriptors; 8,000 fits a 20,000 open-files limit (HAProxy refuses
  // to start when maxconn needs more than the limit allows).
  const maxconn = opts.maxconn ?? 8000;
  return `global
  maxconn ${maxconn}

defaults
  mode http
  option http-server-close
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout tunnel 1h
  timeout client-fin 5s
  timeout http-request 10s
  timeout queue 5s
  timeout check 5s
  retries 3
  option redispatch 1

frontend tillstream
  bind ${opts.bind ?? '127.0.0.1'}:${opts.port}
  maxconn ${maxconn}
  default_backend app
  http-error status 503 content-type application/problem+json hdr Retry-After 1 string '${NO_INSTANCE}'

${opts.statsPort ? `# What a deploy script waits on: each server UP in HAProxy's own view (GET /stats;csv).
frontend stats
  bind 127.0.0.1:${opts.statsPort}
  stats enable
  stats uri /stats

` : ''}backend app
  balance leastconn
  option httpchk
  # HTTP/1.1 with a Host: the service routes on the full URL, and HAProxy's default check (HTTP/1.0,
  # no Host) is answered 404.
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server check inter 1s fall 1 rise 2
${opts.servers.map((s) => `  server ${s.name} ${s.host ?? '127.0.0.1'}:${s.port}`).join('\n')}
`;
}
