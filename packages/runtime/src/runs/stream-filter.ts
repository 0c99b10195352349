/**
 * Whether an event belongs to the stream modes a subscriber asked for (a join with
 * `stream_mode`): the event's mode is its name before any `|ns` (subgraph) and `/`
 * (`messages/partial`); `messages-tuple` events are named `messages`. `metadata`
 * and `error` always pass, and so does everything when no mode is asked for.
 */
export function inStreamModes(event: string, modes: readonly string[] | undefined): boolean {
  if (!modes?.length || event === "metadata" || event === "error") return true;
  const mode = event.split("|")[0]!.split("/")[0]!;
  return modes.some((m) => m === mode || (m === "messages-tuple" && mode === "messages"));
}
