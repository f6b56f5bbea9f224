// Baseline for the fan-out benchmark: the same fan-out done the usual way, socket.io on Node.
// One LISTEN connection (pg) reads new outbox rows of the tenant on each notification and broadcasts
// each envelope to the tenant's room (socket.io encodes a broadcast once and writes it to every socket).
//   node test/bench/fanout-socketio-server.mjs <port> <databaseUrl> <tenantId> <tenantSlug>
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import pg from 'pg';

const [port, url, tenantId, slug] = process.argv.slice(2);
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => { socket.join(tenantId); });

const listenClient = new pg.Client({ connectionString: url });
const reader = new pg.Client({ connectionString: url });
await listenClient.connect();
await reader.connect();
let cursor = Number((await reader.query('select event_seq from tenant_counters where tenant_id = $1', [tenantId])).rows[0].event_seq);
let fetching = false, dirty = false;
async function fetchNew() {
  if (fetching) { dirty = true; return; }
  fetching = true;
  do {
    dirty = false;
    const { rows } = await reader.query(
      `select id::text, type, data, iso(created_at) as ts from events where tenant_id = $1 and id > $2 order by id limit 1000`, [tenantId, cursor]);
    for (const r of rows) {
      cursor = Number(r.id);
      io.to(tenantId).emit(r.type, { id: r.id, type: r.type, tenant: slug, timestamp: r.ts, data: r.data });
    }
  } while (dirty);
  fetching = false;
}
listenClient.on('notification', (n) => { if (n.payload?.startsWith(tenantId)) fetchNew(); });
await listenClient.query('listen events');
http.listen(Number(port), '127.0.0.1', () => console.log(`ready ${http.address().port}`));
