/**
 * Every setting (environment variable) the server and the worker read, in one
 * place: its kind, its default and what it means. The configuration parsers read
 * the environment only through `readSetting` (a name missing here does not
 * type-check), `--help` prints this list, and the README's settings tables are
 * generated from it (`npm run settings:readme`; a test fails when they differ), so
 * code, help and docs cannot drift apart.
 *
 * The reload boundary: the environment of a running process cannot change, so
 * every variable is read once, at start-up (`startup`). What a `reloadable`
 * setting points to is read again on a graph reload (SIGHUP, the admin call,
 * `npm run dev`'s file watcher): the path in LANGGRAPH_CONFIG is fixed at
 * start-up, the langgraph.json there and the graph files it names are not.
 */
import { DEFAULT_CRON_RECHECK_MS, DEFAULT_INPUT_LIMITS, DEFAULT_LEASE_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_TTL_SWEEP_MS } from "@lgrs/runtime";

export type SettingKind = "startup" | "reloadable";

export interface Setting {
  name: string;
  kind: SettingKind;
  /** as the docs show it (markdown): a value in backticks, or words ("unset", "generated") */
  default: string;
  /** what it does (markdown, one line) */
  description: string;
  /** listed in the fleet table too, with this description */
  fleet?: string;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_REDIS_KEY_PREFIX = "lgrs:";
export const DEFAULT_RUN_CONCURRENCY = 10;
export const DEFAULT_SHUTDOWN_DRAIN_MS = 5000;
export const DEFAULT_SIGNIN_LIMIT = 10;

const code = (value: string | number) => `\`${value}\``;
const MiB = (bytes: number) => `${code(bytes)} (${bytes / 1024 / 1024} MiB)`;

export const SETTINGS = [
  { name: "PORT", kind: "startup", default: code(DEFAULT_PORT), description: "HTTP port of the server and dashboard" },
  {
    name: "DATABASE_URL",
    kind: "startup",
    default: code("file:./data/langgraph.db"),
    description:
      "`file:<path>` for SQLite (relative to where you start), or `postgresql://user:password@host:5432/database` (behind PgBouncer in transaction mode add `?pgbouncer=true`: statements are then not prepared by name)",
  },
  {
    name: "SQLITE_SYNCHRONOUS",
    kind: "startup",
    default: code("normal"),
    description:
      "`full`: each SQLite commit waits for the disk, so even a power cut loses none (~1 ms each); `normal` survives a server crash",
  },
  {
    name: "LANGGRAPH_CONFIG",
    kind: "reloadable",
    default: "the bundled graphs",
    description:
      'path of a `langgraph.json` in the LangGraph CLI format: `{"graphs": {"agent": "./src/agent.ts:graph"}}`; the path is read at start-up, the file and its graphs again on each reload (see [Reloading graphs](#reloading-graphs))',
  },
  {
    name: "RUN_CONCURRENCY",
    kind: "startup",
    default: code(DEFAULT_RUN_CONCURRENCY),
    description: "runs executing at once in this process; more wait, first in first out per thread",
    fleet: "runs a member executes at once",
  },
  {
    name: "SHUTDOWN_DRAIN_MS",
    kind: "startup",
    default: code(DEFAULT_SHUTDOWN_DRAIN_MS),
    description: "on SIGTERM/SIGINT, how long running runs get to stop before they are recorded interrupted",
    fleet: "on SIGTERM/SIGINT, how long running runs get to finish before they are handed to another worker",
  },
  {
    name: "AUTH_SECRET",
    kind: "startup",
    default: "generated",
    description: "signs session cookies (32+ characters); when unset, one is generated on first start and kept in `data/auth-secret`",
  },
  {
    name: "AUTH_URL",
    kind: "startup",
    default: code("http://localhost:$PORT"),
    description: "the public origin operators sign in at (cookies and origin checks)",
  },
  {
    name: "AUTH_TRUSTED_ORIGINS",
    kind: "startup",
    default: "unset",
    description: "more origins allowed to sign in and write with the cookie, comma separated",
  },
  {
    name: "AUTH_BOOTSTRAP_EMAIL",
    kind: "startup",
    default: "unset",
    description: "this admin exists after start-up, with `AUTH_BOOTSTRAP_PASSWORD` (deployments, browser tests)",
  },
  { name: "AUTH_BOOTSTRAP_PASSWORD", kind: "startup", default: "unset", description: "the password of `AUTH_BOOTSTRAP_EMAIL`" },
  {
    name: "AUTH_BOOTSTRAP_API_KEY",
    kind: "startup",
    default: "unset",
    description: "an admin API key with this value exists after start-up (scripts, tests)",
  },
  {
    name: "AUTH_SIGNIN_LIMIT",
    kind: "startup",
    default: code(DEFAULT_SIGNIN_LIMIT),
    description: "sign-in attempts per minute from one client address; `0` turns the limit off",
  },
  {
    name: "TRUSTED_PROXY_HEADER",
    kind: "startup",
    default: "unset",
    description: "the header your proxy names the client in (`x-forwarded-for`, `x-real-ip`); unset: the connection's peer address",
  },
  {
    name: "TRUSTED_PROXY_HOPS",
    kind: "startup",
    default: code(1),
    description: "proxies appending to `TRUSTED_PROXY_HEADER`: the client is that many entries from the right",
  },
  {
    name: "WEBHOOK_ALLOW",
    kind: "startup",
    default: "unset",
    description:
      "internal hosts and networks run webhooks may reach, comma separated: `hooks.internal,10.0.0.0/8` (see [Webhooks](#webhooks))",
  },
  {
    name: "MAX_BODY_BYTES",
    kind: "startup",
    default: MiB(DEFAULT_INPUT_LIMITS.maxBodyBytes),
    description: "largest request body on every API (tRPC, LangGraph, sign-in); more is a 413 (see [Request limits](#request-limits))",
  },
  {
    name: "MAX_JSON_DEPTH",
    kind: "startup",
    default: code(DEFAULT_INPUT_LIMITS.maxJsonDepth),
    description: "deepest nesting of objects and arrays in any JSON input",
  },
  {
    name: "MAX_BATCH_SIZE",
    kind: "startup",
    default: code(DEFAULT_INPUT_LIMITS.maxBatchSize),
    description: "calls in one tRPC batch (10 or more: the bundled clients batch up to 10)",
  },
  {
    name: "MAX_STORE_VALUE_BYTES",
    kind: "startup",
    default: MiB(DEFAULT_INPUT_LIMITS.maxStoreValueBytes),
    description: "largest store item value, as JSON; more is a 413",
  },
  {
    name: "STORE_SCOPE",
    kind: "startup",
    default: code("shared"),
    description: "`owner`: a caller reaches only store namespaces that start with its user id (see [owners](#sign-in-api-keys-and-owners))",
  },
  {
    name: "CRON_RECHECK_MS",
    kind: "startup",
    default: code(DEFAULT_CRON_RECHECK_MS),
    description: "the longest a server goes without looking for crons made or changed on another instance of a fleet (see [Crons](#crons))",
  },
  {
    name: "CRON_SECONDS",
    kind: "startup",
    default: code(0),
    description: "`1`: cron schedules may have a sixth, leading seconds field (tests, demos); `0`: the standard 5 fields",
  },
  {
    name: "TTL_SWEEP_MS",
    kind: "startup",
    default: `${code(DEFAULT_TTL_SWEEP_MS)} (${DEFAULT_TTL_SWEEP_MS / 60_000} minutes)`,
    description: "how often expired threads (`ttl`) and store items are swept; each expiry is acted on once, fleet included",
  },
  {
    name: "OPENAI_API_KEY",
    kind: "startup",
    default: "unset",
    description:
      "the bundled `agent` graph uses a real OpenAI-compatible model (`OPENAI_MODEL`, `OPENAI_BASE_URL`) instead of its offline one",
  },
  {
    name: "OPENAI_MODEL",
    kind: "startup",
    default: code("gpt-4o-mini"),
    description: "the model of the bundled `agent` graph with `OPENAI_API_KEY`",
  },
  {
    name: "OPENAI_BASE_URL",
    kind: "startup",
    default: "unset",
    description: "an OpenAI-compatible endpoint for the bundled `agent` graph",
  },
  {
    name: "LGRS_TEST_MODE",
    kind: "startup",
    default: code(0),
    description:
      "`1`: an admin may empty threads, runs, crons, store, feedback and usage (`testing.resetData`, for test suites); never on a deployment (see [Testing your agent with Playwright](#testing-your-agent-with-playwright))",
  },
  {
    name: "LOG_LEVEL",
    kind: "startup",
    default: code("info"),
    description: "`fatal`, `error`, `warn`, `info` (a line per request and run step), `debug`, `trace`, `silent` (see [Logs](#logs))",
  },
  {
    name: "METRICS_PORT",
    kind: "startup",
    default: "unset",
    description: "also serve `/metrics` on this port without credentials, for a scraper on a private network (see [Metrics](#metrics))",
  },
  {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    kind: "startup",
    default: "unset",
    description: "send traces to this OTLP/HTTP collector, e.g. `http://localhost:4318`; unset: tracing off (see [Traces](#traces))",
  },
  {
    name: "OTEL_SERVICE_NAME",
    kind: "startup",
    default: "`lgrs-server` / `lgrs-worker`",
    description: "the `service.name` of this process's traces",
  },
  {
    name: "REDIS_URL",
    kind: "startup",
    default: "unset",
    description: "set, with a PostgreSQL `DATABASE_URL`: fleet mode (see [Fleet mode](#fleet-mode-postgresql--redis))",
    fleet: "`redis://[:password@]host:6379[/db]`, or `rediss://` for TLS; set, with a PostgreSQL `DATABASE_URL`: fleet mode",
  },
  {
    name: "REDIS_KEY_PREFIX",
    kind: "startup",
    default: code(DEFAULT_REDIS_KEY_PREFIX),
    description: "start of every Redis key and channel (fleet mode)",
    fleet: "start of every Redis key and channel, so several fleets (or tests) can share one Redis",
  },
  {
    name: "RUN_WORKERS",
    kind: "startup",
    default: code(1),
    description: "`0`: this server serves HTTP only (fleet mode)",
    fleet: "`1`: this server also executes runs; `0`: it serves HTTP only (fleet mode only)",
  },
  {
    name: "RUN_LEASE_MS",
    kind: "startup",
    default: code(DEFAULT_LEASE_MS),
    description: "a worker's claim on a run (fleet mode)",
    fleet: "a worker's claim on a run (at least 1000), renewed every third of it; an expired one is taken back",
  },
  {
    name: "RUN_MAX_ATTEMPTS",
    kind: "startup",
    default: code(DEFAULT_MAX_ATTEMPTS),
    description: "executions of a run whose worker died (fleet mode)",
    fleet: "executions of a run whose worker died before the run ends `error` (`WorkerLost`)",
  },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]["name"];

/** The environment as the parsers read it (process.env, or a plain object in tests). */
export type Env = Record<string, string | undefined>;

/** A setting's raw value: the one way the parsers read the environment, so only a listed setting can be read. */
export function readSetting(env: Env, name: SettingName): string | undefined {
  return env[name];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

const KIND_TEXT: Record<SettingKind, string> = { startup: "start-up", reloadable: "reload" };

/**
 * The README's settings table (`main`: every setting; `fleet`: those of fleet
 * mode, with their fleet wording), as markdown with padded columns.
 */
export function settingsTable(which: "main" | "fleet"): string {
  const list: readonly Setting[] = SETTINGS;
  const rows = (which === "fleet" ? list.filter((s) => s.fleet) : list).map((s) => [
    code(s.name),
    s.default,
    KIND_TEXT[s.kind],
    which === "fleet" ? s.fleet! : s.description,
  ]);
  return table(["variable", "default", "read at", "meaning"], rows);
}

/** Markdown as a terminal shows it: no backticks, links as their words. */
const plain = (s: string) => s.replace(/`/g, "").replace(/\[([^\]]+)\]\(#[^)]*\)/g, "$1");

/**
 * A start-up error about a setting, with what the setting is for and its default
 * from this list, so the line that stops start-up says what the variable means.
 * A message that names no setting first is returned as it is.
 */
export function explainSettingError(message: string): string {
  const named = SETTINGS.find((s) => message.startsWith(s.name) && !/[A-Z0-9_]/.test(message.charAt(s.name.length)));
  if (!named) return message;
  return `${message} (${named.name}: ${plain(named.description)}; default: ${plain(named.default)}; every setting: --help)`;
}

/** `--help`: every setting, its default and when it is read, as plain text. */
export function settingsHelp(command: string): string {
  const list: readonly Setting[] = SETTINGS;
  const width = Math.max(...list.map((s) => s.name.length));
  const lines = list.map(
    (s) => `  ${s.name.padEnd(width)}  ${plain(s.description)} (default: ${plain(s.default)}; read at ${KIND_TEXT[s.kind]})`,
  );
  return [
    `usage: ${command}`,
    "",
    "Settings (environment variables). Read at start-up: restart to change them.",
    "Read at reload: what they point to is read again on SIGHUP, the admin reload call or, in dev, on file change.",
    "",
    ...lines,
    "",
  ].join("\n");
}

/** Where a generated table sits in the README: between `<!-- settings:NAME -->` and `<!-- /settings:NAME -->`. */
const MARKED = /(<!-- settings:(main|fleet) -->\n)[\s\S]*?(\n<!-- \/settings:\2 -->)/g;

/** The README with its settings tables as the module says (what `npm run settings:readme` writes, and a test checks). */
export function readmeWithSettings(readme: string): string {
  return readme.replace(MARKED, (_all, open: string, which: "main" | "fleet", close: string) => `${open}${settingsTable(which)}${close}`);
}
