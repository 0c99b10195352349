import type { PrismaCheckpointSaver, PrismaStore, Repositories } from "@lgrs/db";
import type { StreamBridge } from "../bridge/index.ts";
import type { GraphSource } from "./graph-source.ts";
import type { RunEventWriter } from "./event-writer.ts";
import type { RunFeed } from "./run-feed.ts";
import type { InputLimits } from "../input/limits.ts";
import type { StoreScope } from "../store/store-scope.ts";
import type { WebhookSettings } from "./webhook.ts";
import type { RunHooks } from "../observe/run-hooks.ts";

/** What executing and managing runs needs, built once per process. */
export interface RuntimeContext {
  repos: Repositories;
  graphs: GraphSource;
  checkpointer: PrismaCheckpointSaver;
  store: PrismaStore;
  live: StreamBridge;
  /** writes the events of the runs executed here, several runs at a time */
  eventWriter: RunEventWriter;
  feed: RunFeed;
  /** this process, recorded on the runs it executes */
  workerId: string;
  /** where webhooks may go, how names resolve, how long a delivery may take */
  webhooks: WebhookSettings;
  /** what one request may carry (the store holds values to maxStoreValueBytes) */
  limits: InputLimits;
  /** who reaches which store namespaces through the API */
  storeScope: StoreScope;
  logError(err: unknown): void;
  /** where runs' lifecycle points are reported (logs, metrics, traces) */
  hooks: RunHooks;
}
