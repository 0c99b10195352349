import superjson from "superjson";

/**
 * superjson, as both ends of the tRPC door use it, made safe for any JSON a graph or a
 * caller stores. superjson refuses to serialize an object with a `__proto__`,
 * `constructor` or `prototype` key (a guard against prototype pollution), so one thread
 * whose metadata or values hold such a key would make every read of it fail. Those keys
 * travel escaped (a NUL prefix, which no stored key starts with: the doors refuse NUL) and
 * are restored as plain own properties on arrival.
 */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);
const MARK = "\u0000";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `value` with its keys renamed by `rename` (undefined: unchanged), sharing every part that did not change. */
function renameKeys(value: unknown, rename: (key: string) => string | undefined): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const mapped = renameKeys(value[i], rename);
      if (mapped !== value[i]) {
        copy ??= value.slice();
        copy[i] = mapped;
      }
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, child]) => {
    const name = rename(key) ?? key;
    const mapped = renameKeys(child, rename);
    if (name !== key || mapped !== child) changed = true;
    return [name, mapped] as const;
  });
  if (!changed) return value;
  const copy: Record<string, unknown> = {};
  // defined, never assigned: assigning `__proto__` would set the prototype instead
  for (const [key, child] of entries)
    Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Whether any key of `value` is one `rename` changes. Walks with its own stack, so the common
 * case (nothing to rename) costs one pass and any depth, even a hostile one, is safe.
 */
function hasKeyToRename(value: unknown, rename: (key: string) => string | undefined): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) {
        if (rename(key) !== undefined) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function withKeysRenamed(value: unknown, rename: (key: string) => string | undefined): unknown {
  return hasKeyToRename(value, rename) ? renameKeys(value, rename) : value;
}

const escapeKey = (key: string) => (RESERVED.has(key) ? MARK + key : undefined);
const restoreKey = (key: string) => (key.startsWith(MARK) && RESERVED.has(key.slice(1)) ? key.slice(1) : undefined);

export const transformer = {
  serialize: (value: unknown) => superjson.serialize(withKeysRenamed(value, escapeKey)),
  deserialize: (data: unknown) => withKeysRenamed(superjson.deserialize(data as Parameters<typeof superjson.deserialize>[0]), restoreKey),
};
