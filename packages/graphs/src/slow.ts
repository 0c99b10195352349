import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { numberSetting } from "./settings.ts";
import { abortableSleep } from "./sleep.ts";

const State = Annotation.Root({
  steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

export const STEPS = ["plan", "research", "draft", "review", "publish"] as const;

/** One step: waits `step_delay_ms` (default 400), ending at once when the run is cancelled, then records itself. */
function step(name: string) {
  return async (_state: typeof State.State, config: LangGraphRunnableConfig) => {
    await abortableSleep(numberSetting(config, "step_delay_ms", 400), config.signal);
    return { steps: [name] };
  };
}

/** Five steps in a row, each writing to state: long enough to cancel or roll back mid-run. */
let builder = new StateGraph(State) as StateGraph<typeof State.spec, typeof State.State, typeof State.Update, string>;
for (const name of STEPS) builder = builder.addNode(name, step(name));
builder.addEdge(START, STEPS[0]);
STEPS.slice(1).forEach((name, i) => builder.addEdge(STEPS[i]!, name));
builder.addEdge(STEPS[STEPS.length - 1]!, END);

export const graph = builder.compile();
