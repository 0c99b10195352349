import type { IncomingMessage } from "node:http";
import { PEER_ADDRESS_HEADER } from "@lgrs/auth";

/**
 * Who is on the other end of the connection, for the sign-in limit: from the
 * socket, never from the client (a copy it sent is replaced). Set in both of the
 * request's header views: Next.js reads `headers`, the API's fetch Request reads
 * `rawHeaders` when it copies them, and a client's own copy must be in neither.
 */
export function stampPeerAddress(req: IncomingMessage): void {
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_ADDRESS_HEADER] = peer;
  else delete req.headers[PEER_ADDRESS_HEADER];

  const raw = req.rawHeaders;
  let sent = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === PEER_ADDRESS_HEADER.length && raw[i]!.toLowerCase() === PEER_ADDRESS_HEADER) sent = true;
  }
  if (sent) {
    const kept: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.toLowerCase() !== PEER_ADDRESS_HEADER) kept.push(raw[i]!, raw[i + 1]!);
    }
    raw.length = 0;
    raw.push(...kept);
  }
  if (peer) raw.push(PEER_ADDRESS_HEADER, peer);
}
