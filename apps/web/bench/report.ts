/**
 * The printed table and the JSON file: every measure for each side, its ratio to
 * in-process where there is one, the target and whether each side meets it.
 */
import { cpus } from "node:os";
import type { InProcessResults } from "./in-process.ts";
import type { ServerResults } from "./server-load.ts";
import { settings } from "./settings.ts";

export const MODES = ["sqlite", "postgresql", "fleet"] as const;
export type Mode = (typeof MODES)[number];
const MODE_NAMES: Record<Mode, string> = { sqlite: "SQLite", postgresql: "PostgreSQL", fleet: "fleet" };

export interface BenchResults {
  inProcess: InProcessResults;
  servers: Partial<Record<Mode, ServerResults>>;
  /** why a mode was not measured */
  skipped: Partial<Record<Mode, string>>;
}

type Unit = "ms" | "runs/s" | "MB";

interface Row {
  measure: string;
  unit: Unit;
  inProcess?: (r: InProcessResults) => number;
  server: (r: ServerResults) => number;
  target?: string;
  /** whether a mode's value meets the target; undefined where the target says nothing of that mode */
  meets?: (value: number, mode: Mode, r: ServerResults, base: InProcessResults) => boolean | undefined;
}

const ratioAtMost = (limit: number) => (value: number, base: number) => value / base <= limit;

function rows(): Row[] {
  const runs = settings.memoryRuns;
  return [
    {
      measure: "time to first event, p50",
      unit: "ms",
      inProcess: (r) => r.firstEventP50,
      server: (r) => r.firstEventP50,
      target: "<= 2x in-process (fleet <= 3x)",
      meets: (v, mode, _r, base) => ratioAtMost(mode === "fleet" ? 3 : 2)(v, base.firstEventP50),
    },
    {
      measure: "streamed run total, p50",
      unit: "ms",
      inProcess: (r) => r.totalP50,
      server: (r) => r.totalP50,
      target: "<= 2x in-process",
      meets: (v, mode, _r, base) => (mode === "fleet" ? undefined : ratioAtMost(2)(v, base.totalP50)),
    },
    {
      measure: `runs/s at ${settings.inFlight} in flight`,
      unit: "runs/s",
      inProcess: (r) => r.runsPerSecond,
      server: (r) => r.runsPerSecond,
      target: ">= 1/2 in-process (PostgreSQL >= 1/3)",
      meets: (v, mode, _r, base) => (mode === "fleet" ? undefined : v / base.runsPerSecond >= (mode === "postgresql" ? 1 / 3 : 1 / 2)),
    },
    {
      measure: `${settings.subscribers} subscribers: last event after the origin's`,
      unit: "ms",
      server: (r) => r.fanout.lastEventAfterOrigin,
      target: "<= 5 ms",
      meets: (v, mode) => (mode === "fleet" ? undefined : v <= 5),
    },
    {
      measure: `${settings.subscribers} subscribers: last stream ended after the origin's`,
      unit: "ms",
      server: (r) => r.fanout.lastDoneAfterOrigin,
    },
    {
      measure: `${settings.subscribers} subscribers: first event, p50`,
      unit: "ms",
      server: (r) => r.fanout.subscriberFirstEventP50,
      target: "<= 5 ms",
      meets: (v, mode) => (mode === "fleet" ? undefined : v <= 5),
    },
    {
      measure: "a lone subscriber joining a running run: first event, p50",
      unit: "ms",
      server: (r) => r.fanout.lateJoinFirstEventP50,
      target: "<= 5 ms",
      meets: (v, mode) => (mode === "fleet" ? undefined : v <= 5),
    },
    { measure: "first server event (metadata), p50", unit: "ms", server: (r) => r.metadataP50 },
    { measure: "trivial request (GET assistant), p50 end to end", unit: "ms", server: (r) => r.trivialP50 },
    {
      measure: "trivial request, server time (minus bare HTTP)",
      unit: "ms",
      server: (r) => r.trivialP50 - r.trivialFloorP50,
      target: "<= 1 ms",
      meets: (v, mode) => (mode === "fleet" ? undefined : v <= 1),
    },
    { measure: "thread create, p50 end to end", unit: "ms", server: (r) => r.threadCreateP50 },
    { measure: "memory: idle", unit: "MB", server: (r) => r.memory.idle },
    { measure: "memory: after the first 100 runs", unit: "MB", server: (r) => r.memory.after100 },
    {
      measure: "memory: peak under load",
      unit: "MB",
      server: (r) => r.memory.peak,
      target: "<= 1.5x idle",
      meets: (v, mode, r) => (mode === "fleet" ? undefined : v <= 1.5 * r.memory.idle),
    },
    {
      measure: `memory: after ${runs} runs`,
      unit: "MB",
      server: (r) => r.memory.afterRuns,
      target: `<= after 100 + 50 MB${runs < 10_000 ? " (at 10,000)" : ""}`,
      meets: (v, mode, r) => (mode === "fleet" || Number.isNaN(v) ? undefined : v - r.memory.after100 <= 50),
    },
    { measure: `memory: after ${runs} runs + ${settings.settleMs / 1000} s quiet`, unit: "MB", server: (r) => r.memory.afterRunsSettled },
  ];
}

function format(value: number, unit: Unit): string {
  if (Number.isNaN(value)) return "";
  if (unit === "MB") return `${value.toFixed(0)} MB`;
  return `${value.toFixed(1)}${unit === "ms" ? " ms" : ""}`;
}

const ratio = (value: number, base: number) => (value / base >= 10 ? (value / base).toFixed(0) : (value / base).toFixed(1));

/** The table, as printed: one line per measure. */
export function renderTable(results: BenchResults): string {
  const measured = MODES.filter((m) => results.servers[m]);
  const header = [
    "measure",
    "in-process",
    ...measured.map((m) => MODE_NAMES[m]),
    "target",
    `met (${measured.map((m) => MODE_NAMES[m]).join(" / ")})`,
  ];
  const lines = rows().map((row) => {
    const base = row.inProcess?.(results.inProcess);
    const cells = measured.map((mode) => {
      const value = row.server(results.servers[mode]!);
      const text = format(value, row.unit);
      return base !== undefined && text ? `${text} (${ratio(value, base)}x)` : text;
    });
    const met = measured.map((mode) => {
      const r = results.servers[mode]!;
      const value = row.server(r);
      const ok = row.meets && !Number.isNaN(value) ? row.meets(value, mode, r, results.inProcess) : undefined;
      return ok === undefined ? "-" : ok ? "yes" : "no";
    });
    return [row.measure, base === undefined ? "" : format(base, row.unit), ...cells, row.target ?? "", row.target ? met.join(" / ") : ""];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...lines.map(render)].join("\n");
}

/** Notes under the table: what the figures mean where it is not obvious, and what was skipped. */
export function renderNotes(results: BenchResults): string {
  const notes = [
    "ratios in parentheses: server / in-process (for runs/s, below 1 is slower).",
    "first event: the first event the graph made (the server's own `metadata` event, sent on creation, is its own row).",
    `subscribers join with Last-Event-ID -1 as soon as the run's id is known, spread over ${settings.subscriberThreads} worker threads of the bench (fifty clients are not one event loop); first event: from each join to its first graph event; each figure the median of ${settings.fanoutRounds} such runs.`,
    "a stream ended: the SDK's loop is over, which includes the SDK's own GET of the run after the server closes the stream (51 at once here); a subscriber's last event is what the server's fan-out decides.",
    `a lone subscriber: ${settings.lateJoins} joins one after another (Last-Event-ID -1) to a run already streaming, each leaving after its first graph event.`,
  ];
  for (const mode of MODES) {
    const r = results.servers[mode];
    if (r) {
      notes.push(
        `${MODE_NAMES[mode]}: ${r.fanout.joinedWhileRunning}/${settings.subscribers} subscribers met the run running, ${r.fanout.complete}/${settings.subscribers} got every event; trivial request floor (bare HTTP, same SDK call) ${r.trivialFloorP50.toFixed(2)} ms`,
      );
    } else if (results.skipped[mode]) {
      notes.push(`${MODE_NAMES[mode]}: not measured (${results.skipped[mode]})`);
    }
  }
  return notes.map((n) => `- ${n}`).join("\n");
}

/** Everything, for notes: the settings, the machine, the raw results and the table's rows. */
export function toJson(results: BenchResults, startedAt: Date): unknown {
  return {
    startedAt: startedAt.toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    settings: { ...settings, out: undefined },
    ...results,
    table: renderTable(results).split("\n"),
  };
}
