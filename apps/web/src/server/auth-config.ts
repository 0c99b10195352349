import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error.ts";

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
  const get = (name: string) => env[name]?.trim() || undefined;
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
  const password = env["AUTH_BOOTSTRAP_PASSWORD"] || undefined;
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
  const limit = get("AUTH_SIGNIN_LIMIT") ?? "10";
  if (!/^\d+$/.test(limit)) {
    throw new ConfigError(
      `AUTH_SIGNIN_LIMIT "${limit}" is not valid: use a whole number of sign-in attempts per minute, e.g. 10 (0 turns the limit off).`,
    );
  }
  return { secret, baseURL, trustedOrigins, bootstrap: { email, password, apiKey }, signInsPerMinute: Number(limit) };
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
