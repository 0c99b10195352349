/** How the dashboard names assistants, wherever a raw assistant id would otherwise show. */

export interface AssistantName {
  id: string;
  name: string;
  graphId: string;
  /** null: the default assistant the server made for its graph */
  ownerId?: string | null;
}

/** "name (graph)", or the name alone when it is the graph id (a graph's default assistant). */
export function assistantLabel(a: Pick<AssistantName, "name" | "graphId">): string {
  return a.name === a.graphId ? a.name : `${a.name} (${a.graphId})`;
}

/**
 * Graphs' default assistants first (named for their graph id, the ones most runs
 * use), then the others by name: a list of assistants reads the same everywhere.
 */
export function sortAssistants<T extends Pick<AssistantName, "name" | "graphId" | "ownerId">>(list: T[]): T[] {
  const isDefault = (a: T) => a.ownerId === null || a.name === a.graphId;
  return [...list].sort(
    (a, b) => Number(isDefault(b)) - Number(isDefault(a)) || a.name.localeCompare(b.name) || a.graphId.localeCompare(b.graphId),
  );
}
