import type { Repositories } from "@lgrs/db";
import type { Actor } from "../actor.ts";
import { ensureDefaultAssistants } from "../assistants/defaults.ts";
import { NotFoundError } from "../errors.ts";
import type { GraphSource } from "../runs/graph-source.ts";
import type { GraphLoadFailure, GraphReloadResult, GraphVersion } from "../registry/graph-registry.ts";

/** A graph source that can load its graphs again while the server runs (the graph registry). */
export interface ReloadableGraphs extends GraphSource {
  reload(): Promise<GraphReloadResult>;
  versions(): GraphVersion[];
  failures(): GraphLoadFailure[];
  configError(): string | null;
}

export function isReloadable(source: GraphSource): source is ReloadableGraphs {
  return typeof (source as Partial<ReloadableGraphs>).reload === "function";
}

/** What this process serves: each graph's version, the graphs that failed, the last reload. */
export interface GraphsStatus {
  versions: GraphVersion[];
  failed: GraphLoadFailure[];
  /** the last reload could not read langgraph.json (the graphs before it keep serving) */
  configError: string | null;
  /** when the graphs were last (re)loaded here */
  loadedAt: Date;
}

/** Who asked for a reload: logged with its result. */
export type ReloadOrigin = "admin" | "signal" | "watch" | "fleet";

/** How a reload reaches the other members of a fleet (absent: one process). */
export interface ReloadBroadcast {
  /** asks every other member to reload; never throws nor waits */
  send(): void;
}

/**
 * Loading graphs again while the server runs. Every way a reload is asked for
 * (the admin call of either door, SIGHUP, the dev file watcher, another fleet
 * member) ends in `reloadHere`, so they all behave the same: the registry swaps
 * in what loaded (runs already executing keep the graph they compiled), a graph
 * that fails keeps serving its previous version, and each new graph id gets its
 * default assistant. A removed graph's assistant stays (history stays readable);
 * it reads as unavailable because no loaded graph has its id.
 */
export class GraphService {
  private loadedAt = new Date();
  private readonly listeners = new Set<(result: GraphReloadResult, origin: ReloadOrigin) => void>();
  broadcast: ReloadBroadcast | undefined;

  constructor(
    private readonly source: GraphSource,
    private readonly repos: Repositories,
  ) {}

  /** The admin call: reload here, then on every other member of the fleet. Anyone but an admin finds nothing to call (404). */
  async reload(actor: Actor): Promise<GraphReloadResult & { status: GraphsStatus }> {
    if (!("all" in actor.scope)) throw new NotFoundError("graph reload is for admins only");
    const result = await this.reloadHere("admin");
    this.broadcast?.send();
    return { ...result, status: this.status() };
  }

  /** Reloads this process's graphs (SIGHUP, the file watcher, a fleet member's request). */
  async reloadHere(origin: ReloadOrigin): Promise<GraphReloadResult> {
    if (!isReloadable(this.source)) return { updated: [], removed: [], failed: [], configError: null };
    const result = await this.source.reload();
    this.loadedAt = new Date();
    const added = result.updated.map((v) => v.graphId);
    if (added.length > 0) await ensureDefaultAssistants(this.repos, added);
    for (const listener of this.listeners) listener(result, origin);
    return result;
  }

  /** Told of every reload's result (the process logs it: errors with their file and message). */
  onReloaded(listener: (result: GraphReloadResult, origin: ReloadOrigin) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): GraphsStatus {
    if (!isReloadable(this.source)) {
      return { versions: [], failed: [], configError: null, loadedAt: this.loadedAt };
    }
    return {
      versions: this.source.versions(),
      failed: this.source.failures(),
      configError: this.source.configError(),
      loadedAt: this.loadedAt,
    };
  }
}
