/**
 * The bounds every request is held to, whichever door it comes through, so that no
 * single request can take the process's memory or reach the database with a value
 * it cannot store. The server reads the configurable ones from its settings
 * (MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_BATCH_SIZE, MAX_STORE_VALUE_BYTES).
 */
export interface InputLimits {
  /** bytes of one request body (REST, tRPC, auth); more is a 413 */
  maxBodyBytes: number;
  /** nesting of objects and arrays in any JSON input; deeper is a 422/400 */
  maxJsonDepth: number;
  /** calls in one tRPC batch */
  maxBatchSize: number;
  /** bytes of one store item's value, as JSON */
  maxStoreValueBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxJsonDepth: 100,
  maxBatchSize: 20,
  maxStoreValueBytes: 1024 * 1024,
};

/**
 * Characters of an object key, an id, a name, a store key or namespace label. Fixed, not a
 * setting: it keeps every indexed column inside PostgreSQL's btree row limit (about 2,700 bytes)
 * at four bytes per character.
 */
export const MAX_KEY_LENGTH = 256;

/** Bytes of a store namespace, its labels joined by ".": with a key, inside the index row limit. */
export const MAX_NAMESPACE_BYTES = 1024;

/** A run may wait at most this long before it starts (`after_seconds`): 30 days. */
export const MAX_AFTER_SECONDS = 30 * 86_400;
