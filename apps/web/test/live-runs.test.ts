import { describe, expect, it } from "vitest";
import type { RunRow } from "../src/components/runs-table/filter-model.ts";
import { newerRun } from "../src/components/runs-table/run-versions.ts";

/** A version of one run as runs.list and runs.watch give it (only what the merge reads matters). */
function version(status: RunRow["status"], updatedAt: number): RunRow {
  return { id: "run-1", status, updatedAt: new Date(updatedAt), createdAt: new Date(0) } as RunRow;
}

describe("the runs table's choice between two versions of a run", () => {
  it("takes the later write", () => {
    expect(newerRun(version("running", 2), version("pending", 1)).status).toBe("running");
    expect(newerRun(version("pending", 1), version("running", 2)).status).toBe("running");
    expect(newerRun(version("running", 1), undefined).status).toBe("running");
  });

  it("breaks a same-millisecond tie by how far along the run is: admitted and started at once, it shows running", () => {
    expect(newerRun(version("running", 5), version("pending", 5)).status).toBe("running");
    expect(newerRun(version("pending", 5), version("running", 5)).status).toBe("running");
    expect(newerRun(version("interrupted", 5), version("running", 5)).status).toBe("interrupted");
  });
});
