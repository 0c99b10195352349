export {
  createRuntime,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  type Runtime,
  type RuntimeOptions,
  type RuntimeHealth,
  type FleetOptions,
  type WebhookOptions,
  type CronOptions,
} from "./runtime.ts";
export {
  CronService,
  type CronRunPayload,
  type NewCronInput,
  type CronPatchInput,
  type CronView,
} from "./crons/cron-service.ts";
export { DEFAULT_CRON_RECHECK_MS } from "./crons/cron-ticker.ts";
export { RunManager, type StreamOptions } from "./runs/run-manager.ts";
export {
  RunService,
  type RunListFilter,
  type RunSliceFilter,
  type CancelOptions,
  type CancelManyFilter,
  type RunEvents,
} from "./runs/run-service.ts";
export { readKwargs } from "./runs/kwargs.ts";
export { NO_OBSERVER, type RunObserver, type TokenCall } from "./observe/run-observer.ts";
export type { ThreadStreamItem } from "./runs/thread-follow.ts";
export { PROTOCOL_EVENT_PREFIX, type ProtocolEventBody } from "./runs/protocol-stream.ts";
export { SHUTDOWN_ERROR } from "./runs/stop-reason.ts";
export type { AgentStatus, AgentTreeNode } from "./runs/agent-tree.ts";
export type { RunTrace, TraceEvent, TraceStep, TraceStepStatus } from "./runs/run-trace.ts";
export { inStreamModes } from "./runs/stream-filter.ts";
export { TestDataService, type ResetCounts } from "./testing/test-data-service.ts";
export { FeedbackService, type NewFeedback, type FeedbackListFilter, type FeedbackSummaryFilter } from "./feedback/feedback-service.ts";
export { UsageService, MAX_HOURLY_DAYS, type UsageSummaryQuery, type UsageTopQuery } from "./usage/usage-service.ts";
export type { Feedback, FeedbackSummaryRow, TokenUsage, UsageBreakdown, UsageBucket, TokenTotals } from "@lgrs/db";
export { MemoryRunFeed, type RunFeed } from "./runs/run-feed.ts";
export type { GraphSource, RunnableGraph, GraphStateSnapshot, GraphTaskSnapshot, GraphHistoryOptions } from "./runs/graph-source.ts";
export {
  ThreadService,
  DEFAULT_HISTORY_LIMIT,
  type NewThreadInput,
  type ThreadListOptions,
  type ThreadStateOptions,
  type ThreadHistoryOptions,
  type ThreadStateUpdate,
  type ThreadTtl,
  type ThreadPatch,
} from "./threads/thread-service.ts";
export { parseThreadEventId, type ThreadStreamEvent, type ThreadStreamOptions } from "./threads/thread-stream.ts";
export { DEFAULT_TTL_SWEEP_MS, type SweepResult } from "./threads/ttl-sweeper.ts";
export type { CheckpointRef, ThreadStateView, ThreadTaskView, ThreadInterruptView } from "./threads/state-views.ts";
export {
  AssistantService,
  type AssistantFields,
  type NewAssistantInput,
  type AssistantPatchInput,
  type AssistantListOptions,
  type AssistantSchemas,
  type SchemasWithContext,
  type SubgraphEntry,
  type VersionOptions,
} from "./assistants/assistant-service.ts";
export {
  StoreService,
  type StoreItem,
  type StoreItemRef,
  type StoreSearchOptions,
  type StoreGetOptions,
  type NamespaceListOptions,
  type StoreScope,
} from "./store/store-service.ts";
// the rows and search shapes the services take and give, so the doors need not import @lgrs/db
export {
  THREAD_SORT_KEYS,
  ASSISTANT_SORT_KEYS,
  CRON_SORT_KEYS,
  type CronMatch,
  type CronSearch,
  type CronSortKey,
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_OFFSET,
  type Thread,
  type Assistant,
  type AssistantVersion,
  type Page,
  type OffsetPage,
  type JsonObject,
  type ThreadMatch,
  type ThreadSearch,
  type ThreadSortKey,
  type AssistantMatch,
  type AssistantSearch,
  type AssistantSortKey,
  // event data's JSON text, made once for its row, its SSE frames and the fleet's log
  jsonText,
} from "@lgrs/db";
export * from "./bridge/index.ts";
export { threadStateOf, type ThreadState } from "./runs/thread-state.ts";
export { toWire } from "./runs/wire.ts";
export { runAsJson, type WebhookResolver } from "./runs/webhook.ts";
export { webhookPolicy, WebhookAllowError } from "./runs/webhook-policy.ts";
export { defaultAssistantId, ensureDefaultAssistants, resolveAssistant } from "./assistants/defaults.ts";
export * from "./errors.ts";
export * from "./runs/types.ts";
export * from "./registry/index.ts";
export {
  GraphService,
  type GraphsStatus,
  type ReloadOrigin,
  type ReloadableGraphs,
} from "./graphs/graph-service.ts";
export * from "./enums.ts";
export * as schemas from "./schemas.ts";
export { DEFAULT_INPUT_LIMITS, MAX_AFTER_SECONDS, MAX_KEY_LENGTH, MAX_NAMESPACE_BYTES, type InputLimits } from "./input/limits.ts";
export { badCharacter, findUnstorable, type InputProblem } from "./input/unstorable.ts";
export type { Actor } from "./actor.ts";
export type { OwnerName, OwnerService, PageWithOwners } from "./list-owners.ts";
export type { FleetSignals } from "./fleet/signals.ts";
export {
  connectRedis,
  redactRedisUrl,
  RedisStartupError,
  type RedisConnection,
  type RedisHealth,
  type ConnectRedisOptions,
} from "./fleet/redis.ts";
export { RedisStreamBridge, type RedisBridgeOptions, type EndedRun } from "./fleet/redis-stream-bridge.ts";
export { RedisRunFeed, reviveRun, type RedisRunFeedOptions } from "./fleet/redis-run-feed.ts";
export { RedisFleetSignals, type RedisSignalsOptions } from "./fleet/redis-signals.ts";
export { createRedisFleet, type RedisFleet, type RedisFleetOptions } from "./fleet/redis-fleet.ts";
