import { describe, expect, it } from "vitest";
import { agentTreeOf } from "../src/runs/agent-tree.ts";

const lifecycle = (namespace: string[], event: string, graphName?: string) => ({
  event: "protocol:lifecycle",
  data: { namespace, data: { event, ...(graphName ? { graph_name: graphName } : {}) } },
});

describe("a run's agent tree from its protocol events", () => {
  it("nests subgraphs by namespace, each with its last lifecycle status", () => {
    const tree = agentTreeOf({ status: "running", graphName: "parent" }, [
      lifecycle(["research:1"], "started", "child"),
      lifecycle(["research:1", "lookup:2"], "started"),
      lifecycle(["research:1", "lookup:2"], "completed"),
      { event: "protocol:values", data: { namespace: ["research:1"], data: {} } },
      lifecycle(["research:1"], "running"),
      lifecycle(["write:3"], "failed"),
    ]);
    expect(tree).toEqual({
      namespace: [],
      status: "running",
      graphName: "parent",
      children: [
        {
          namespace: ["research:1"],
          status: "running",
          graphName: "child",
          children: [{ namespace: ["research:1", "lookup:2"], status: "completed", graphName: "lookup", children: [] }],
        },
        { namespace: ["write:3"], status: "failed", graphName: "write", children: [] },
      ],
    });
  });

  it("a finished run waiting on a root interrupt is interrupted; older runs' events give the root alone", () => {
    const waiting = [{ event: "protocol:input.requested", data: { namespace: [], data: { interrupt_id: "i" } } }];
    expect(agentTreeOf({ status: "success", graphName: "human" }, waiting).status).toBe("interrupted");
    expect(agentTreeOf({ status: "success", graphName: "g" }, [{ event: "values", data: { a: 1 } }])).toEqual({
      namespace: [],
      status: "completed",
      graphName: "g",
      children: [],
    });
    expect(agentTreeOf({ status: "error", graphName: "g" }, []).status).toBe("failed");
    expect(agentTreeOf({ status: "pending", graphName: "g" }, []).status).toBe("started");
  });
});
