import type { CheckpointRef, ThreadStateView, ThreadTaskView } from "@lgrs/runtime";

/** Thread states as the LangGraph Platform API sends them (the runtime's views, renamed). */

export function checkpointToWire(ref: CheckpointRef | null) {
  if (!ref) return null;
  return {
    thread_id: ref.threadId,
    checkpoint_ns: ref.checkpointNs,
    checkpoint_id: ref.checkpointId,
    ...(ref.checkpointMap !== undefined ? { checkpoint_map: ref.checkpointMap } : {}),
  };
}

function taskToWire(task: ThreadTaskView): Record<string, unknown> {
  return {
    id: task.id,
    name: task.name,
    ...(task.path !== undefined ? { path: task.path } : {}),
    error: task.error,
    interrupts: task.interrupts,
    checkpoint: checkpointToWire(task.checkpoint),
    state: task.state && threadStateToWire(task.state),
    ...(task.result !== undefined ? { result: task.result } : {}),
  };
}

export function threadStateToWire(view: ThreadStateView) {
  return {
    values: view.values,
    next: view.next,
    tasks: view.tasks.map(taskToWire),
    checkpoint: checkpointToWire(view.checkpoint),
    metadata: view.metadata,
    created_at: view.createdAt,
    parent_checkpoint: checkpointToWire(view.parentCheckpoint),
    interrupts: view.interrupts,
  };
}
