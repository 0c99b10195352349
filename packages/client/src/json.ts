/** Any JSON value: what the server's JSON fields (metadata, values, config, ...) hold. */
export type JsonValue = string | number | boolean | null | JsonObject | JsonArray;
export type JsonObject = { [key: string]: JsonValue };
export type JsonArray = JsonValue[];
