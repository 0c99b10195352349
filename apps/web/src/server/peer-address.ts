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

  // rawHeaders alternates names and values; from the end, so a removal does not shift what is still to read
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === PEER_ADDRESS_HEADER) raw.splice(i, 2);
  }
  if (peer) raw.push(PEER_ADDRESS_HEADER, peer);
}
