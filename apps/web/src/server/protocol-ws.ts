import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { admitProtocolSocket, isProtocolSocketPath, type LanggraphServices } from "@lgrs/langgraph-api";
import { WebSocketServer } from "ws";
import { answeredUpgrade } from "./observe/http-observer.ts";

/** Frames above this are refused by the socket (a command is small; the REST door's body limit is the model). */
const MAX_FRAME_BYTES = 1024 * 1024;

function refuse(socket: Duplex, status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of [value].flat()) headers.append(name, v);
  }
  return headers;
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface ProtocolSockets {
  /** the HTTP server's `upgrade` listener */
  upgrade: UpgradeListener;
  /** closes every open socket (going away): an upgraded socket would otherwise hold the server's close open */
  closeAll(): void;
}

/**
 * The thread-centric protocol over WebSocket (`transport: "websocket"` in the
 * SDK): `GET /api/langgraph/threads/{id}/stream/events` upgraded. The LangGraph
 * door decides who may open it (API key or session cookie); this only moves
 * frames between the `ws` socket and its session. Any other upgrade goes to `other`.
 */
export function protocolSockets(services: LanggraphServices, other: UpgradeListener, logError: (err: unknown) => void): ProtocolSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const closeAll = () => {
    for (const ws of wss.clients) ws.close(1001, "the server is shutting down");
  };
  const upgrade: UpgradeListener = (req, socket, head) => {
    if (!isProtocolSocketPath(req.url ?? "")) {
      other(req, socket, head);
      return;
    }
    socket.on("error", () => socket.destroy());
    admitProtocolSocket(services, { url: req.url ?? "", headers: headersOf(req) }).then(
      (admission) => {
        if (!admission.ok) {
          answeredUpgrade(req, admission.status);
          refuse(socket, admission.status, admission.detail);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          answeredUpgrade(req, 101);
          const session = admission.open({ send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) });
          // frames are handled in order: a subscribe sent after run.start must see the run
          let queue = Promise.resolve();
          ws.on("message", (data) => {
            const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
            queue = queue.then(() => session.receive(text));
          });
          ws.on("close", () => session.close());
          ws.on("error", () => session.close());
        });
      },
      (err: unknown) => {
        logError(err);
        answeredUpgrade(req, 500);
        refuse(socket, 500, "internal error: the server logged it");
      },
    );
  };
  return { upgrade, closeAll };
}
