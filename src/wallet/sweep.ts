import type { Hub } from '../realtime/hub.ts';
import { deadLinks } from './links.ts';
import { linkIdOf, walletStreamKey } from './filter.ts';

/**
 * Close the open wallet streams of links that died since they opened (revoked on another instance,
 * expired, or their customer erased or merged away): one query per sweep for every link with a stream
 * here, run with the hub's key sweep (KEY_SWEEP_MS). A revoke on this instance closes its streams at once.
 */
export function walletSweep(hub: Hub) {
  return async () => {
    const ids = hub.streamKeysWith('wallet:').map(linkIdOf);
    for (const id of await deadLinks(hub.sql, ids)) hub.closeStreamsOf(walletStreamKey(id));
  };
}
