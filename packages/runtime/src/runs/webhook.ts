import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Run } from "@lgrs/db";
import { readKwargs } from "./kwargs.ts";
import { forbiddenAddress, normalHost, webhookUrlProblem, type WebhookPolicy } from "./webhook-policy.ts";
import { toWire } from "./wire.ts";

/** Resolves a host name to all its addresses. The default is the system resolver; tests pass their own. */
export type WebhookResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface WebhookSettings {
  policy: WebhookPolicy;
  resolve: WebhookResolver;
  /** the whole delivery, connection included */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export const systemResolver: WebhookResolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * POSTs the finished run as JSON to the URL the run was created with, as the
 * LangGraph API does. One attempt, bounded by `timeoutMs`: a failing or refused
 * webhook is logged and never changes the run (this never throws). No retries,
 * so a receiver that is down is not hammered by every run that ends.
 *
 * The checks run again here, not only at creation: the policy may be stricter
 * than when an old run was stored, and a host name is only resolved now. The
 * connection goes to the very addresses that were checked (node's `lookup`
 * hook), so DNS cannot answer one address to the check and another to the
 * connect. Redirects are not followed: a 3xx is logged as a failure. Following
 * one would resend the run to a place its creator did not name, and a
 * webhook receiver has no reason to redirect a POST.
 */
export async function sendWebhook(url: string, run: Run, settings: WebhookSettings, logError: (err: unknown) => void): Promise<void> {
  try {
    const status = await postJson(url, runAsJson(run), settings);
    if (status >= 300 && status < 400) {
      logError(new Error(`webhook ${shown(url)} answered ${status} for run ${run.id}: redirects are not followed`));
    } else if (status >= 400) {
      logError(new Error(`webhook ${shown(url)} answered ${status} for run ${run.id}`));
    }
  } catch (err) {
    logError(new Error(`webhook ${shown(url)} failed for run ${run.id}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** The URL without its query: a receiver's token often rides there, and logs are read by others. */
function shown(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** The answer's status; throws when the target is refused, unreachable or too slow. */
function postJson(raw: string, body: unknown, settings: WebhookSettings): Promise<number> {
  const problem = webhookUrlProblem(raw, settings.policy);
  if (problem) return Promise.reject(new Error(`the URL ${problem}`));
  const url = new URL(raw);
  const host = normalHost(url.hostname);
  // a host that is an IP address is connected to as it is (checked above); a name comes through here
  const lookup: LookupFunction = (hostname, options, callback) => {
    settings
      .resolve(hostname)
      .then((found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = found.filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) throw new Error(`${hostname} has no address`);
        // one forbidden address refuses the name: a public name has no business resolving inside
        for (const a of addresses) {
          const refused = forbiddenAddress(a.address, host, settings.policy);
          if (refused) throw new Error(`${hostname} resolves to ${refused}`);
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, ""));
  };
  const payload = JSON.stringify(body);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        lookup,
        // a fresh connection each time: a pooled socket would skip the lookup and its checks
        agent: false,
        signal: AbortSignal.timeout(settings.timeoutMs),
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        // the body is not read: the status is the whole answer
        res.destroy();
      },
    );
    req.on("error", (err) => reject(err.name === "AbortError" ? new Error(`no answer within ${settings.timeoutMs} ms`) : err));
    req.end(payload);
  });
}

/** The webhook body names the run's options as the LangGraph API does (`stream_mode`...). */
function snakeCaseKeys(kwargs: unknown): unknown {
  if (!kwargs || typeof kwargs !== "object" || Array.isArray(kwargs)) return kwargs;
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), v]));
}

/**
 * A run in the LangGraph API's JSON shape: what its webhook receives.
 *
 * LangGraph Platform posts the run as its API shows it, `kwargs.config` included.
 * Here the config's `configurable` (and the run's `context`) is where callers put
 * credentials for the graph (model API keys, user tokens), and the receiver is
 * any URL the run's creator typed, so both are left out whole: `config` also
 * passes unknown keys through, so a partial copy could still carry a secret,
 * and a receiver needs the outcome, not the credentials. The run's ids, status,
 * metadata, error and other options stay as they were.
 */
export function runAsJson(run: Run): Record<string, unknown> {
  const { config: _config, context: _context, ...kwargs } = readKwargs(run.kwargs);
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.assistantId,
    status: run.status,
    metadata: run.metadata,
    kwargs: snakeCaseKeys(toWire(kwargs)),
    multitask_strategy: run.multitaskStrategy,
    error: run.error,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
  };
}
