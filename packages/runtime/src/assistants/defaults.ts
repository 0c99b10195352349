import { v5 as uuidv5 } from "uuid";
import type { Assistant, Repositories } from "@lgrs/db";
import { NotFoundError } from "../errors.ts";

/** LangGraph's namespace for default assistant ids: the same graph gets the same id as on LangGraph Platform. */
const GRAPH_NAMESPACE = "6ba7b821-9dad-11d1-80b4-00c04fd430c8";

export function defaultAssistantId(graphId: string): string {
  return uuidv5(graphId, GRAPH_NAMESPACE);
}

/** Makes sure every graph has its default assistant (created once, never overwritten). */
export async function ensureDefaultAssistants(repos: Repositories, graphIds: string[]): Promise<Assistant[]> {
  const out: Assistant[] = [];
  for (const graphId of graphIds) {
    const id = defaultAssistantId(graphId);
    const existing = await repos.assistants.get(id);
    out.push(
      existing ??
        (await repos.assistants.create({ id, graphId, name: graphId, metadata: { created_by: "system" } }).catch(async (err) => {
          // another process made it first
          const made = await repos.assistants.get(id);
          if (!made) throw err;
          return made;
        })),
    );
  }
  return out;
}

/** In unicode mode a surrogate pair is one code point: only a lone surrogate is of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** An assistant by its id, or a graph id standing for that graph's default assistant (as the LangGraph API allows). */
export async function resolveAssistant(repos: Repositories, idOrGraph: string): Promise<Assistant> {
  const byId = /^[0-9a-f-]{36}$/i.test(idOrGraph) ? await repos.assistants.get(idOrGraph) : null;
  if (byId) return byId;
  // text with a lone surrogate names no graph, and the v5 id of it cannot be made (uuid encodes it as a URI, which throws)
  if (LONE_SURROGATE.test(idOrGraph)) throw new NotFoundError(`assistant ${JSON.stringify(idOrGraph)} not found`);
  const byGraph = await repos.assistants.get(defaultAssistantId(idOrGraph));
  if (byGraph) return byGraph;
  throw new NotFoundError(`assistant ${idOrGraph} not found`);
}
