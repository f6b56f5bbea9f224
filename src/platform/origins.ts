// A web origin as a browser sends it in the `Origin` header: scheme, host and port, nothing else.

/** True when `new URL` gives the origin back unchanged: http(s), lower-case host, no path, no trailing slash. */
export function isExactOrigin(o: string): boolean {
  try {
    const u = new URL(o);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
  } catch { return false; }
}
