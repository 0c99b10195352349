/**
 * Shared pieces of the fuzz suites (REST and tRPC): hostile values, requests made
 * from a valid one by changing one field at a time, a seed that is printed so a
 * failing run can be replayed (`FUZZ_SEED=<seed> npx vitest run <file>`), and a
 * record of the answers that break the contract (a 5xx, an error that is not JSON
 * or has no message), grouped by cause so one cause is reported once.
 */
import fc from "fast-check";

/** A value to put where a valid one was, with a short name for reports (the value itself may be 100k characters). */
export interface Hostile {
  label: string;
  value: unknown;
}

/** A date the wire cannot hold as a Date (`2026-13-45`): the tRPC encoder sends it as a superjson Date. */
export class BadDate {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/**
 * Nesting `depth` levels deep, written out as text only when a request is sent:
 * JSON.stringify would overflow the test's own stack on it.
 */
export class Deep {
  constructor(
    readonly kind: "object" | "array",
    readonly depth: number,
  ) {}

  text(): string {
    return this.kind === "object"
      ? `${'{"a":'.repeat(this.depth)}"bottom"${"}".repeat(this.depth)}`
      : `${"[".repeat(this.depth)}${"]".repeat(this.depth)}`;
  }
}

const DEEP_TOKEN = "__fuzz_deep_value__";

/** JSON text of a request value, with each Deep written out in full. */
export function toJson(value: unknown): string | undefined {
  const deep: Deep[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof Deep)) return v;
    deep.push(v);
    return `${DEEP_TOKEN}${deep.length - 1}`;
  });
  return text?.replace(new RegExp(`"${DEEP_TOKEN}(\\d+)"`, "g"), (_, i: string) => deep[Number(i)]!.text());
}

const DEPTH = 5_000;

/** Values that have broken servers before: database-hostile text, extreme numbers, wrong types, depth. */
export const HOSTILE_VALUES: Hostile[] = [
  { label: "NUL", value: "\u0000" },
  { label: "text with NUL", value: "a\u0000b" },
  { label: "lone high surrogate", value: "\ud800" },
  { label: "lone low surrogate in text", value: "x\udfffy" },
  { label: "100k chars", value: "x".repeat(100_000) },
  { label: "100k multibyte chars", value: "é".repeat(100_000) },
  { label: "empty string", value: "" },
  { label: "spaces", value: "   " },
  { label: "emoji", value: "🦜🔗" },
  { label: "SQL", value: "'; DROP TABLE threads; --" },
  { label: "LIKE wildcards", value: "%_\\" },
  { label: "path traversal", value: "../../etc/passwd" },
  { label: "dots and colons", value: "a.b:c" },
  { label: "1e308", value: 1e308 },
  { label: "-1e308", value: -1e308 },
  { label: "-1", value: -1 },
  { label: "0", value: 0 },
  { label: "-0", value: -0 },
  { label: "2^53+2", value: 2 ** 53 + 2 },
  { label: "2^31", value: 2 ** 31 },
  { label: "1.5", value: 1.5 },
  { label: "5e-324", value: 5e-324 },
  { label: "'NaN'", value: "NaN" },
  { label: "'Infinity'", value: "Infinity" },
  { label: "'1e308'", value: "1e308" },
  { label: "'-1'", value: "-1" },
  { label: "true", value: true },
  { label: "false", value: false },
  { label: "null", value: null },
  { label: "[]", value: [] },
  { label: "{}", value: {} },
  { label: "array of hostile strings", value: ["\u0000", "\ud800", ""] },
  { label: "object with hostile keys", value: { "\u0000": 1, "\ud800": 2, "": 3, "a.b": 4 } },
  { label: "object with __proto__", value: JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') },
  { label: "object with 100k-char key", value: { ["k".repeat(100_000)]: 1 } },
  { label: "10k-element array", value: Array.from({ length: 10_000 }, (_, i) => i) },
  { label: `object nested ${DEPTH} deep`, value: new Deep("object", DEPTH) },
  { label: `array nested ${DEPTH} deep`, value: new Deep("array", DEPTH) },
  { label: "bad UUID", value: "not-a-uuid" },
  { label: "UUID with trailing text", value: "00000000-0000-4000-8000-000000000000x" },
  { label: "nil UUID", value: "00000000-0000-0000-0000-000000000000" },
  { label: "upper-case UUID", value: "0F0F0F0F-AAAA-4BBB-8CCC-DDDDDDDDDDDD" },
  { label: "bad date text", value: "2026-13-45T25:61:61Z" },
  { label: "bad date", value: new BadDate("2026-13-45T25:61:61Z") },
  { label: "date before year 0", value: new BadDate("-271821-04-20T00:00:00.000Z") },
  { label: "far-future date", value: new Date(8.64e15) },
  { label: "epoch date", value: new Date(0) },
];

/** Any hostile value: the fixed ones above, or text and numbers fast-check makes up. */
export const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map((value) => ({ label: `text ${JSON.stringify(value)}`, value })),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: true }).map((value) => ({ label: `number ${value}`, value })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ label: `json ${short(value)}`, value })) },
);

/** One field of a request, by where it is: `body` with a key path, a `query` key or a `path` parameter. */
export interface Place {
  where: "body" | "query" | "path";
  keys: string[];
}

export interface Mutation {
  place: Place;
  /** replace the value there, add a key nobody knows, remove it, or (body only) send text that is not JSON */
  kind: "replace" | "unknown-key" | "remove" | "raw-body";
  value?: Hostile;
  raw?: string;
}

/** Text bodies that are not (valid) JSON. */
const RAW_BODIES = ["{", "nul\u0000", '{"a":1,}', "[".repeat(DEPTH) + "]".repeat(DEPTH), `"${"\\ud800"}"`, "\ufeff{}", "NaN"];

/** Every place of a value a mutation can hit: each key, down to `depth` levels of objects and into the first array item. */
export function placesOf(where: Place["where"], value: unknown, depth = 3, keys: string[] = []): Place[] {
  const here: Place[] = keys.length > 0 ? [{ where, keys }] : [];
  if (depth === 0 || value === null || typeof value !== "object") return here;
  if (Array.isArray(value)) return value.length > 0 ? [...here, ...placesOf(where, value[0], depth - 1, [...keys, "0"])] : here;
  return [...here, ...Object.entries(value).flatMap(([k, v]) => placesOf(where, v, depth - 1, [...keys, k]))];
}

/** The mutations of one request: any place, any hostile value; plus unknown keys and broken bodies. */
export function mutations(places: Place[], options: { hasBody: boolean; hasQuery: boolean }): fc.Arbitrary<Mutation> {
  const all: fc.Arbitrary<Mutation>[] = [];
  if (places.length > 0) {
    all.push(fc.record({ place: fc.constantFrom(...places), kind: fc.constant("replace" as const), value: hostile }));
    all.push(fc.record({ place: fc.constantFrom(...places), kind: fc.constant("remove" as const) }));
  }
  const containers: Place[] = [
    ...(options.hasBody ? [{ where: "body" as const, keys: [] }] : []),
    ...(options.hasQuery ? [{ where: "query" as const, keys: [] }] : []),
    ...places.filter((p) => p.where === "body"),
  ];
  all.push(fc.record({ place: fc.constantFrom(...containers), kind: fc.constant("unknown-key" as const), value: hostile }));
  if (options.hasBody) {
    all.push(
      fc.record({ place: fc.constant({ where: "body" as const, keys: [] }), kind: fc.constant("replace" as const), value: hostile }),
    );
    all.push(
      fc.record({
        place: fc.constant({ where: "body" as const, keys: [] }),
        kind: fc.constant("raw-body" as const),
        raw: fc.constantFrom(...RAW_BODIES),
      }),
    );
  }
  return fc.oneof(...all);
}

/** A copy of `root` with the mutation applied at `keys` (`[]` is the root itself). */
export function mutate(root: unknown, keys: string[], m: Mutation): unknown {
  if (keys.length === 0) {
    if (m.kind === "replace") return m.value!.value;
    if (m.kind === "unknown-key") return { ...(isObject(root) ? root : {}), fuzz_unknown_key: m.value!.value };
    return root;
  }
  const [head, ...rest] = keys as [string, ...string[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root) ? [...root] : { ...(isObject(root) ? root : {}) };
  const target = copy as Record<string, unknown>;
  if (rest.length === 0 && m.kind === "remove") {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete target[head];
    return copy;
  }
  if (rest.length === 0 && m.kind === "replace") {
    target[head] = m.value!.value;
    return copy;
  }
  target[head] = mutate(target[head], rest, m);
  return copy;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** What a mutation did, short enough for a report. */
export function describeMutation(m: Mutation): string {
  const at = [m.place.where, ...m.place.keys].join(".");
  if (m.kind === "remove") return `${at} removed`;
  if (m.kind === "raw-body") return `body = raw ${short(m.raw)}`;
  if (m.kind === "unknown-key") return `${at} + unknown key = ${m.value!.label}`;
  return `${at} = ${m.value!.label}`;
}

/** A value as text of at most ~120 characters. */
export function short(value: unknown): string {
  let text: string;
  try {
    text =
      value instanceof BadDate
        ? `Date(${value.text})`
        : value instanceof Deep
          ? `${value.kind} nested ${value.depth} deep`
          : (toJson(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 100)}…(${text.length} chars)` : text;
}

/** A hostile value as query-string or path text. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof BadDate) return value.text;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  return toJson(value) ?? String(value);
}

/**
 * `encodeURIComponent` that also takes lone surrogates, as the bytes a careless
 * client would send for them (CESU-8, which is not valid UTF-8).
 */
export function encodeComponent(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** The seed of this run: FUZZ_SEED to replay one, a new one otherwise; printed either way. */
export function fuzzSeed(suite: string): number {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${suite}: fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

/** Cases per endpoint: FUZZ_RUNS, or as many as keep a suite within about two minutes per database. */
export const RUNS_PER_ENDPOINT = Number(process.env.FUZZ_RUNS ?? 25);

/** `count` mutations of one request, the same for the same seed. */
export function sampleMutations(arb: fc.Arbitrary<Mutation>, seed: number, count = RUNS_PER_ENDPOINT): Mutation[] {
  return fc.sample(arb, { seed, numRuns: count });
}

/** A request whose answer broke the contract. */
export interface Violation {
  endpoint: string;
  input: string;
  status: number;
  problem: string;
  /** what the server printed while answering */
  log: string;
}

/**
 * Violations grouped by cause (endpoint, status, problem and the first line of
 * the server's log with ids and numbers blanked), each with its first example.
 */
export class ViolationLog {
  private readonly byCause = new Map<string, Violation & { count: number }>();

  add(v: Violation): void {
    const logKey = firstErrorLine(v.log)
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "<id>")
      .replace(/\d+/g, "<n>");
    // the same problem with other text quoted in it (a value, an id) is the same cause
    const key = `${v.endpoint}|${v.status}|${v.problem.replace(/"[^"]*"/g, '"…"').slice(0, 120)}|${logKey}`;
    const seen = this.byCause.get(key);
    if (seen) seen.count++;
    else this.byCause.set(key, { ...v, count: 1 });
  }

  get size(): number {
    return this.byCause.size;
  }

  /** One paragraph per cause: endpoint, status, problem, an input that shows it and the server's log line. */
  report(seed: number): string {
    if (this.byCause.size === 0) return "";
    const lines = [`${this.byCause.size} distinct contract violation(s), seed ${seed}:`];
    for (const v of this.byCause.values()) {
      lines.push(
        `- ${v.endpoint} -> ${v.status} ${v.problem} (x${v.count})\n    input: ${v.input}\n    log: ${firstErrorLine(v.log) || "(nothing)"}`,
      );
    }
    return lines.join("\n");
  }
}

/** The lines of a server log that say what went wrong: the first that names an error, and the three after it. */
export function firstErrorLine(log: string): string {
  const lines = log
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const at = Math.max(
    0,
    lines.findIndex((l) => /Error|error:|Invalid|invalid|failed|exceed|overflow|code/i.test(l)),
  );
  const text = lines.slice(at, at + 4).join(" | ");
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/**
 * The contract of an error answer's body: JSON, with a non-empty message where
 * `message` finds it. Returns what is wrong, or null.
 */
export function errorBodyProblem(contentType: string | null, text: string, message: (json: unknown) => unknown): string | null {
  if (!/json/i.test(contentType ?? "")) return `not JSON (content-type ${contentType ?? "none"}): ${short(text)}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `unparsable JSON: ${short(text)}`;
  }
  const m = message(json);
  return typeof m === "string" && m.trim() !== "" ? null : `no message: ${short(text)}`;
}

/** Prisma's words, which no answer may carry (they tell the schema and the driver to anyone). */
export const PRISMA_TEXT = /prisma|invalid `\w+\.\w+\(\)` invocation|PrismaClient|P20\d\d/i;

/** What one request got back: the status (0 when no answer came), the body read so far and what the server printed meanwhile. */
export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  log: string;
  /** the body was still streaming when the read stopped (an event stream, a long wait) */
  streaming: boolean;
}

export interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Sends one request and reads its answer: headers within `answerMs`, then the body
 * for at most `bodyMs` (event streams and waits may go on; what came is kept).
 */
export async function probe(p: Probe, output: () => string, options: { answerMs?: number; bodyMs?: number } = {}): Promise<Answer> {
  const before = output().length;
  const controller = new AbortController();
  const answerTimer = setTimeout(() => controller.abort(), options.answerMs ?? 20_000);
  let res: Response;
  try {
    res = await fetch(p.url, { method: p.method, headers: p.headers, body: p.body, signal: controller.signal });
  } catch (err) {
    clearTimeout(answerTimer);
    // no answer at all: the server may have died earlier, so its last words are the log
    const log = output().slice(before) || output().slice(-2_000);
    return { status: 0, contentType: null, text: `no answer: ${(err as Error).message}`, log, streaming: false };
  }
  clearTimeout(answerTimer);
  let text = "";
  let streaming = false;
  const reader = res.body?.getReader();
  if (reader) {
    const decoder = new TextDecoder();
    const bodyTimer = setTimeout(() => {
      streaming = true;
      void reader.cancel().catch(() => {});
    }, options.bodyMs ?? 5_000);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      streaming = true;
    } finally {
      clearTimeout(bodyTimer);
      if (streaming) controller.abort();
    }
  }
  // the server logs a fault just before it answers; give the pipe a moment to deliver it
  if (res.status >= 500) await new Promise((r) => setTimeout(r, 50));
  return { status: res.status, contentType: res.headers.get("content-type"), text, log: output().slice(before), streaming };
}

/** A stable number for a name, to give each endpoint its own cases from one seed. */
export function hashName(name: string): number {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h >>> 0;
}
