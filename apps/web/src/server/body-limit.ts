/**
 * Holds every request body to MAX_BODY_BYTES before a door reads it, whichever door
 * it is (tRPC, the LangGraph REST API, auth): a declared length over the limit is
 * refused at once, and a body sent without one (chunked) is read only up to the
 * limit. Either way the answer is a 413 in the door's own error shape.
 */
export type Handler = (req: Request) => Promise<Response>;

export function limitBody(handler: Handler, maxBytes: number, tooLarge: (message: string) => Response): Handler {
  const message = `the request body is larger than the ${maxBytes} bytes this server takes (MAX_BODY_BYTES)`;
  return async (req) => {
    // (a GET or HEAD has no body: asking for it would only build one)
    if (req.method === "GET" || req.method === "HEAD") return handler(req);
    const length = req.headers.get("content-length");
    if (length !== null) {
      // Node's parser reads no more than the declared length (and refuses a malformed one),
      // so the door may read the body itself, straight from Node's request: copying it into
      // a second Request through web streams cost about a fifth of the server's CPU per
      // streamed run (a thread create and a run create each)
      if (Number(length) > maxBytes) return closing(tooLarge(message));
      return handler(req);
    }
    // no length and not chunked: no body
    if (req.headers.get("transfer-encoding") === null || !req.body) return handler(req);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return closing(tooLarge(message));
      }
      chunks.push(value);
    }
    // the same request with its body in hand: the door reads it as it would have
    const body = Buffer.concat(chunks);
    return handler(new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal }));
  };
}

/**
 * The rest of a refused body is never read, so the connection cannot carry another
 * request: it is closed after the answer, and the client's next request opens a new one.
 */
function closing(response: Response): Response {
  response.headers.set("connection", "close");
  return response;
}
