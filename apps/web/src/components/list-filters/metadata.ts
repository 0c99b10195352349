/**
 * A metadata filter as an operator types it and a link carries it: `key=value`
 * pairs separated by commas. A value that reads as JSON (a number, true, null, a
 * quoted string, an object) is that JSON value; any other value is the text itself.
 */

export type MetadataParse = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string };

export function parseMetadataFilter(text: string): MetadataParse {
  const pairs = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (pairs.length === 0) return { ok: true, value: undefined };
  const value: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = at < 0 ? "" : pair.slice(0, at).trim();
    if (!key) return { ok: false, error: `Metadata: "${pair}" is not key=value (e.g. team=red, attempt=2).` };
    value[key] = jsonOrText(pair.slice(at + 1).trim());
  }
  return { ok: true, value };
}

function jsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Whether a row's metadata has every key of `filter` equal (as the server compares: JSON equality). */
export function metadataMatches(metadata: unknown, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  const own = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  return Object.entries(filter).every(([k, v]) => k in own && sameJson(own[k], v));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether `text` is in any of `parts` (strings, or JSON written out), ignoring case: the server's find, for rows that arrive live. */
export function textMatches(text: string | undefined, parts: unknown[]): boolean {
  const needle = text?.trim().toLowerCase();
  if (!needle) return true;
  return parts.some((p) => {
    if (p === undefined || p === null) return false;
    const hay = typeof p === "string" ? p : JSON.stringify(p);
    return hay.toLowerCase().includes(needle);
  });
}
