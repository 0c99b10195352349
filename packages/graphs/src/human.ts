import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";

const State = Annotation.Root({
  request: Annotation<string | undefined>(),
  approved: Annotation<boolean | undefined>(),
  answer: Annotation<string | undefined>(),
  outcome: Annotation<string | undefined>(),
});

/**
 * Human in the loop: `review` stops the run with `interrupt()` and a question; a
 * later run resumes it with `Command({ resume: "yes" | "no" | text })`.
 */
export const graph = new StateGraph(State)
  .addNode("review", (state) => {
    const answer = interrupt({ question: `Approve "${state.request ?? "the request"}"?`, options: ["yes", "no"] });
    // a resume value is usually text; anything else is kept as its JSON
    const text = typeof answer === "string" ? answer : JSON.stringify(answer);
    return { answer: text, approved: /^(y|yes|approved?)$/i.test(text.trim()) };
  })
  .addNode("finish", (state) => ({ outcome: state.approved ? "approved" : "rejected" }))
  .addEdge(START, "review")
  .addEdge("review", "finish")
  .addEdge("finish", END)
  .compile();
