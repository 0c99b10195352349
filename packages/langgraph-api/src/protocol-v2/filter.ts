import type { EventFilter, Namespace, ProtocolEvent } from "./types.ts";

/** The channel an event belongs to (`input.requested` is on `input`, a named custom event on `custom:<name>`). */
export function channelOf(event: ProtocolEvent): string | undefined {
  switch (event.method) {
    case "values":
    case "checkpoints":
    case "updates":
    case "messages":
    case "tools":
    case "lifecycle":
    case "tasks":
      return event.method;
    case "input.requested":
    case "input.answered":
      return "input";
    case "custom": {
      const name = (event.params.data as { name?: unknown } | null)?.name;
      return typeof name === "string" ? `custom:${name}` : "custom";
    }
    default:
      return undefined;
  }
}

/** A segment without its dynamic suffix (`fetcher:3f2a...` is `fetcher`), as clients name subgraphs. */
function stable(segment: string): string {
  const at = segment.indexOf(":");
  return at === -1 ? segment : segment.slice(0, at);
}

function isPrefix(namespace: Namespace, prefix: Namespace): boolean {
  if (prefix.length > namespace.length) return false;
  return prefix.every((segment, i) => namespace[i] === segment || (!segment.includes(":") && stable(namespace[i]!) === segment));
}

/** Whether a reader with this filter gets the event: the same rules the SDK applies on its side. */
export function matches(filter: EventFilter, event: ProtocolEvent): boolean {
  if (filter.since !== undefined && event.seq <= filter.since) return false;
  const channel = channelOf(event);
  if (!channel) return false;
  if (!filter.channels.includes(channel) && !(channel.startsWith("custom:") && filter.channels.includes("custom"))) return false;
  if (!filter.namespaces?.length) return true;
  return filter.namespaces.some(
    (prefix) =>
      isPrefix(event.params.namespace, prefix) &&
      (filter.depth === undefined || event.params.namespace.length - prefix.length <= filter.depth),
  );
}
