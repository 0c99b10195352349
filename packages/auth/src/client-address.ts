import { isIP } from "node:net";

/**
 * The address the TCP connection came from, as the web server saw it. The custom
 * server (apps/web/server.ts) sets it on every request from the socket, replacing
 * whatever a client sent under this name, before Next.js sees the request.
 */
export const PEER_ADDRESS_HEADER = "x-lgrs-peer-address";

/** The header better-auth keys its sign-in limit (and a session's address) on: set by AuthService.handler only. */
export const CLIENT_ADDRESS_HEADER = "x-lgrs-client-address";

/**
 * Which header, if any, says who the client is. Without one the client is the
 * peer: a header a client can write is never believed unless a proxy in front of
 * the server overwrites or appends to it.
 */
export interface TrustedProxy {
  /** lower-case header name the proxy sets, e.g. `x-forwarded-for` or `x-real-ip` */
  header: string;
  /**
   * proxies in front of the server that append to the header (default 1): the
   * client is the entry this many places from the right. What lies further left
   * was written by the client and is ignored.
   */
  hops?: number;
}

function plainAddress(value: string | null | undefined): string | null {
  const address = value?.trim().replace(/^\[(.*)\]$/, "$1");
  if (!address || !isIP(address)) return null;
  // an IPv4 peer on a dual-stack socket reads ::ffff:192.0.2.1
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
}

/**
 * The client's address: the trusted proxy's header when configured and usable,
 * else the peer's; null when neither is known (a request that did not come
 * through the web server, e.g. in-process tests).
 */
export function clientAddress(headers: Headers, proxy: TrustedProxy | null): string | null {
  const peer = plainAddress(headers.get(PEER_ADDRESS_HEADER));
  if (!proxy) return peer;
  const entries = (headers.get(proxy.header) ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const hops = proxy.hops ?? 1;
  // fewer entries than proxies: the request did not come through all of them, so the header proves nothing
  return (entries.length >= hops ? plainAddress(entries[entries.length - hops]) : null) ?? peer;
}
