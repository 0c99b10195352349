import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

/** The child's state: `topic` and `notes` are shared with the parent, `lookups` is the child's own. */
const ChildState = Annotation.Root({
  topic: Annotation<string>(),
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  lookups: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});

const child = new StateGraph(ChildState)
  .addNode("gather", (s) => ({ notes: [`facts about ${s.topic}`], lookups: 1 }))
  .addNode("summarise", (s) => ({ notes: [`summary of ${s.notes.length} note(s) from ${s.lookups} lookup(s)`] }))
  .addEdge(START, "gather")
  .addEdge("gather", "summarise")
  .addEdge("summarise", END)
  .compile();

const ParentState = Annotation.Root({
  topic: Annotation<string>(),
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  report: Annotation<string | undefined>(),
});

/** A parent graph with a compiled subgraph as its `research` node: `stream_subgraphs` shows the child's own events. */
export const graph = new StateGraph(ParentState)
  .addNode("prepare", (s) => ({ topic: s.topic || "graphs" }))
  .addNode("research", child)
  .addNode("write", (s) => ({ report: `Report on ${s.topic}: ${s.notes.join("; ")}` }))
  .addEdge(START, "prepare")
  .addEdge("prepare", "research")
  .addEdge("research", "write")
  .addEdge("write", END)
  .compile();
