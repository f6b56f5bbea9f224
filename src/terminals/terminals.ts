import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import type { Terminal, TerminalList } from './schemas.ts';

// Terminals, both doors: every API key of the tenant that is not revoked, and whether it holds open event
// streams on any instance. Presence is written by each instance (src/realtime/presence.ts) into
// `terminal_presence`; a row counts only until its expires_at, so a crashed instance's terminals show
// disconnected without anyone deleting anything. Keys and their locations come from the view
// `terminal_keys` (sql/0009_terminal_presence.sql), the one place that says where a key's location is.

/** A terminal this many events behind the tenant's newest is flagged on the Terminals page. */
export const LAG_FLAG_EVENTS = 50;

/** Every key of the caller's tenant, oldest first, with its presence over every instance. One read. */
export async function listTerminals(db: Db, caller: Caller): Promise<TerminalList> {
  authorize(caller, 'terminals.read');
  const rows = await db`
    select k.id as "keyId", k.name, k.location_id as "locationId", k.location_name as "locationName",
      coalesce(sum(p.streams) filter (where p.expires_at > now()), 0)::int as streams,
      iso(min(p.connected_at) filter (where p.expires_at > now())) as "connectedAt",
      iso(greatest(k.last_used_at, max(p.heartbeat_at))) as "lastSeenAt",
      min(p.last_event_id_sent) filter (where p.expires_at > now()) as "lastEventIdSent",
      c.event_seq as "newestEventId"
    from terminal_keys k
    join tenant_counters c on c.tenant_id = k.tenant_id
    left join terminal_presence p on p.api_key_id = k.id
    where k.tenant_id = ${caller.tenantId}
    group by k.id, k.name, k.location_id, k.location_name, k.last_used_at, k.created_at, c.event_seq
    order by k.created_at, k.id`;
  const newestEventId = rows.length ? Number(rows[0].newestEventId) : await newestEvent(db, caller.tenantId);
  return {
    newestEventId,
    data: rows.map((r): Terminal => {
      const lastEventIdSent = r.lastEventIdSent === null ? null : Number(r.lastEventIdSent);
      return {
        keyId: r.keyId, name: r.name, locationId: r.locationId, locationName: r.locationName,
        connected: r.streams > 0, streams: r.streams, connectedAt: r.connectedAt, lastSeenAt: r.lastSeenAt,
        lastEventIdSent, lag: lastEventIdSent === null ? null : Math.max(0, newestEventId - lastEventIdSent),
      };
    }),
  };
}

async function newestEvent(db: Db, tenantId: string): Promise<number> {
  const [row] = await db`select event_seq from tenant_counters where tenant_id = ${tenantId}`;
  return Number(row?.event_seq ?? 0);
}

/** How the page shows a terminal: connected and keeping up, connected but behind, or not connected (grey). */
export function terminalState(t: Pick<Terminal, 'connected' | 'lag'>): 'live' | 'behind' | 'offline' {
  if (!t.connected) return 'offline';
  return (t.lag ?? 0) > LAG_FLAG_EVENTS ? 'behind' : 'live';
}
