import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import type { Caller } from '../identity/caller.ts';
import type { Db } from '../platform/database.ts';
import { LAG_FLAG_EVENTS, listTerminals, terminalState } from '../terminals/terminals.ts';
import { TerminalsPage, TerminalTable, type TerminalView } from '../../views/terminals.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';

/** The terminals domain's read, as the page's view model: each terminal with the state it is drawn in. */
async function terminalViews(db: Db, caller: Caller): Promise<{ terminals: TerminalView[]; newestEventId: number }> {
  const { data, newestEventId } = await listTerminals(db, caller);
  return { newestEventId, terminals: data.map((t) => ({ ...t, state: terminalState(t) })) };
}

/** Terminals: every key and whether it is connected, on any instance (the policy's terminals.read). */
export function terminalPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/terminals', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => terminalViews(tx, caller));
    return page(c, <TerminalsPage meta={meta(c, seq)} terminals={data.terminals} newestEventId={data.newestEventId} flagAt={LAG_FLAG_EVENTS} />);
  });

  // The table alone, which the page re-reads every few seconds (see TerminalTable for why it polls).
  app.get('/terminals/table', async (c) => {
    const caller = c.get('caller');
    const data = await terminalViews(sql, caller);
    return fragment(c, <TerminalTable tz={zone(c)} base={adminBase(caller.tenantSlug)} terminals={data.terminals} newestEventId={data.newestEventId} />);
  });

  return app;
}
