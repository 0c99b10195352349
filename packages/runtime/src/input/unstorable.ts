import { MAX_KEY_LENGTH } from "./limits.ts";

/** What is wrong with one place in an input, and where (`metadata.tags.2`, `input.messages.0.content`). */
export interface InputProblem {
  field: string;
  message: string;
}

// a NUL, or a UTF-16 surrogate without its other half (JavaScript strings can hold one; UTF-8 cannot)
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const BAD_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored (PostgreSQL refuses NUL, neither database takes half a surrogate pair), or null. */
export function badCharacter(text: string): string | null {
  const found = BAD_CHARACTER.exec(text);
  if (!found) return null;
  return found[0] === "\u0000"
    ? `contains a NUL character (\\u0000) at position ${found.index}, which cannot be stored`
    : `contains a lone UTF-16 surrogate at position ${found.index}, which is not valid Unicode`;
}

function join(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/**
 * The first place in a JSON-like value that no database can take as it is: a string or
 * key holding NUL or a lone surrogate, a key longer than MAX_KEY_LENGTH, or nesting deeper
 * than `maxDepth`, an invalid Date or a BigInt (what superjson can revive); null when the whole value is fine. Walks with its own stack, so a hostile
 * depth cannot overflow the call stack. `root` prefixes every field it names (`body`).
 */
export function findUnstorable(value: unknown, maxDepth: number, root = ""): InputProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === "string") {
      const bad = badCharacter(v);
      if (bad) return { field: item.path || "(input)", message: bad };
      continue;
    }
    if (typeof v === "bigint") return { field: item.path || "(input)", message: "is a BigInt, which JSON cannot hold" };
    if (v instanceof Date) {
      // tRPC's superjson revives dates anywhere in an input, an invalid one too
      const year = v.getUTCFullYear();
      if (Number.isNaN(year) || year < 1 || year > 9999)
        return { field: item.path || "(input)", message: "is not a date from year 1 to 9999" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (item.depth >= maxDepth) {
      return { field: item.path || "(input)", message: `is nested more than ${maxDepth} levels deep` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: join(item.path, i), depth: item.depth + 1 });
      continue;
    }
    // Dates, Maps and the like (tRPC's superjson revives them) carry no keys of their own to check
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) continue;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const badKey = badCharacter(key);
      if (badKey) return { field: item.path || "(input)", message: `has a key that ${badKey}` };
      if (key.length > MAX_KEY_LENGTH) {
        return { field: join(item.path, `${key.slice(0, 32)}…`), message: `key is longer than ${MAX_KEY_LENGTH} characters` };
      }
      stack.push({ value: child, path: join(item.path, key), depth: item.depth + 1 });
    }
  }
  return null;
}
