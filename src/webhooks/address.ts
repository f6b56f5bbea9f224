import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

// SSRF: a webhook URL is chosen by a tenant, so without a guard it could make this server POST to its
// own network (metadata services, the database's admin port, other tenants' private endpoints). Every
// delivery resolves the host and refuses loopback, private, link-local, shared, multicast and reserved
// addresses unless the operator set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true. The check runs on every
// resolved address (a name with one public and one private address is refused). A DNS answer that
// changes between this lookup and fetch's own (rebinding within a TTL) is a residual risk: an operator
// who needs more runs deliveries through an egress proxy.

const V4_BLOCKED: [number, number][] = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0000200, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24], [0xcb007100, 24],
  [0xe0000000, 4], [0xf0000000, 4],
];

function v4Blocked(ip: string): boolean {
  const n = ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  return V4_BLOCKED.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
}

/** True for an address a webhook must not reach by default. */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return v4Blocked(ip);
  if (kind !== 6) return true;
  const a = ip.toLowerCase();
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return v4Blocked(mapped[1]!);
  if (a === '::' || a === '::1') return true;
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast, 64:ff9b::/96 NAT64, 2001:db8::/32 documentation
  return /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff') || a.startsWith('64:ff9b:') || a.startsWith('2001:db8:');
}

/** Resolves the URL's host; the refusal's wording when any address is private and that is not allowed, else null. */
export async function refusedAddress(url: URL, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const bad = addresses.find(isPrivateAddress);
  return bad ? `refused: ${host} resolves to ${bad}, a private, loopback or reserved address (WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off)` : null;
}
