import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error.ts";
import { DEFAULT_SIGNIN_LIMIT, readSetting, type SettingName } from "./settings.ts";

/** Auth settings, validated with the rest of the environment. */
export interface AuthConfig {
  /** AUTH_SECRET; null: a generated one is kept in the data folder */
  secret: string | null;
  /** AUTH_URL: the public origin sign-in cookies are issued for */
  baseURL: string;
  /** AUTH_TRUSTED_ORIGINS plus the local names of this server */
  trustedOrigins: string[];
  bootstrap: { email?: string; password?: string; apiKey?: string };
  /** AUTH_SIGNIN_LIMIT: sign-in attempts per minute from one address (0: no limit) */
  signInsPerMinute: number;
  /** TRUSTED_PROXY_HEADER (+ TRUSTED_PROXY_HOPS): the header that names the client; null: the peer address does */
  trustedProxy: { header: string; hops: number } | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function origin(name: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
    return url.origin;
  } catch {
    throw new ConfigError(`${name} "${value}" is not an http(s) origin: use e.g. ${name}=https://runs.example.com.`);
  }
}

export function parseAuthConfig(env: Record<string, string | undefined>, port: number): AuthConfig {
  const get = (name: SettingName) => readSetting(env, name)?.trim() || undefined;
  const secret = get("AUTH_SECRET") ?? null;
  if (secret !== null && secret.length < 32) {
    throw new ConfigError("AUTH_SECRET is too short: use at least 32 random characters, e.g. AUTH_SECRET=$(openssl rand -base64 32).");
  }
  const baseURL = origin("AUTH_URL", get("AUTH_URL") ?? `http://localhost:${port}`);
  const extra = (get("AUTH_TRUSTED_ORIGINS") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const trustedOrigins = [
    ...new Set([baseURL, `http://localhost:${port}`, `http://127.0.0.1:${port}`, ...extra.map((o) => origin("AUTH_TRUSTED_ORIGINS", o))]),
  ];

  const email = get("AUTH_BOOTSTRAP_EMAIL");
  const password = readSetting(env, "AUTH_BOOTSTRAP_PASSWORD") || undefined;
  const apiKey = get("AUTH_BOOTSTRAP_API_KEY");
  if (email !== undefined && !EMAIL.test(email)) {
    throw new ConfigError(`AUTH_BOOTSTRAP_EMAIL "${email}" is not an email address.`);
  }
  if ((email === undefined) !== (password === undefined)) {
    throw new ConfigError("AUTH_BOOTSTRAP_EMAIL and AUTH_BOOTSTRAP_PASSWORD go together: set both, or neither.");
  }
  if (password !== undefined && password.length < 8) {
    throw new ConfigError("AUTH_BOOTSTRAP_PASSWORD is too short: use at least 8 characters.");
  }
  if (apiKey !== undefined && apiKey.length < 16) {
    throw new ConfigError("AUTH_BOOTSTRAP_API_KEY is too short: use at least 16 characters.");
  }
  const limit = get("AUTH_SIGNIN_LIMIT") ?? String(DEFAULT_SIGNIN_LIMIT);
  if (!/^\d+$/.test(limit)) {
    throw new ConfigError(
      `AUTH_SIGNIN_LIMIT "${limit}" is not valid: use a whole number of sign-in attempts per minute, e.g. 10 (0 turns the limit off).`,
    );
  }
  return {
    secret,
    baseURL,
    trustedOrigins,
    bootstrap: { email, password, apiKey },
    signInsPerMinute: Number(limit),
    trustedProxy: parseTrustedProxy(get("TRUSTED_PROXY_HEADER"), get("TRUSTED_PROXY_HOPS")),
  };
}

/** Headers a proxy never uses to name the client: trusting one is a mistake, not a setting. */
const NOT_ADDRESS_HEADERS = new Set([
  "cookie",
  "authorization",
  "host",
  "origin",
  "referer",
  "content-type",
  "content-length",
  "x-api-key",
]);

/**
 * Which header names the client, for the sign-in limit. Unset, the client is the
 * peer of the TCP connection, whatever headers it sends: only a proxy the server
 * sits behind (and is reachable only through) makes such a header true.
 */
function parseTrustedProxy(header: string | undefined, hops: string | undefined): AuthConfig["trustedProxy"] {
  if (header === undefined) {
    if (hops !== undefined) {
      throw new ConfigError(
        "TRUSTED_PROXY_HOPS is set without TRUSTED_PROXY_HEADER: set both (e.g. TRUSTED_PROXY_HEADER=x-forwarded-for), or neither.",
      );
    }
    return null;
  }
  const name = header.toLowerCase();
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || NOT_ADDRESS_HEADERS.has(name)) {
    throw new ConfigError(
      `TRUSTED_PROXY_HEADER "${header}" is not a header a proxy names the client in: use the one your proxy sets, e.g. TRUSTED_PROXY_HEADER=x-forwarded-for or x-real-ip.`,
    );
  }
  const count = hops ?? "1";
  if (!/^\d+$/.test(count) || Number(count) < 1 || Number(count) > 16) {
    throw new ConfigError(
      `TRUSTED_PROXY_HOPS "${count}" is not valid: use the number of proxies in front of the server that append to ${name}, from 1 to 16 (default 1).`,
    );
  }
  return { header: name, hops: Number(count) };
}

/**
 * AUTH_SECRET, or a secret generated on first start and kept (owner-only) in
 * the data folder, so sessions survive restarts without any setting.
 */
export function resolveAuthSecret(config: AuthConfig, dataDir: string): string {
  if (config.secret) return config.secret;
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (kept.length < 32)
      throw new ConfigError(`${file} holds no usable secret: delete it (a new one is made; everyone signs in again) or set AUTH_SECRET.`);
    return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process sharing the data folder (a local fleet) wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return resolveAuthSecret(config, dataDir);
    throw err;
  }
  return secret;
}
