import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Where webhooks may go. A run's creator names the URL and the server makes the
 * request from inside the deployment, so without a policy `webhook` reaches
 * whatever the server can: loopback admin ports, the database, the cloud's
 * metadata service (server-side request forgery). By default only globally
 * routable unicast addresses are allowed; `allow` (WEBHOOK_ALLOW) names the
 * internal hosts and networks a deployment does want to call.
 */
export interface WebhookPolicy {
  /** host names (exact, case-insensitive) allowed whatever they resolve to, metadata addresses excepted */
  readonly hosts: ReadonlySet<string>;
  /** networks allowed even when private, loopback or link-local */
  readonly networks: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[];
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { hosts: new Set(), networks: [] };

/** A WEBHOOK_ALLOW entry that is neither a host name, an address nor a CIDR. */
export class WebhookAllowError extends Error {
  override name = "WebhookAllowError";
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * The policy for a list of allowed hosts and networks (`hooks.internal`,
 * `10.1.2.3`, `10.0.0.0/8`, `::1`, `fd00::/8`; an IPv6 address may be in brackets).
 * Throws WebhookAllowError naming the first entry it cannot read.
 */
export function webhookPolicy(allow: readonly string[] = []): WebhookPolicy {
  const hosts = new Set<string>();
  const networks: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of allow) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\](\/\d+)?$/, "$1$2");
    if (!entry) continue;
    if (entry.includes("/")) {
      if (!ipaddr.isValidCIDR(entry)) throw new WebhookAllowError(`"${raw}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)`);
      const [address, bits] = ipaddr.parseCIDR(entry);
      // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared unmapped
      const mapped = address.kind() === "ipv6" && bits >= 96 && (address as ipaddr.IPv6).isIPv4MappedAddress();
      networks.push(mapped ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits]);
    } else if (isIP(entry)) {
      const address = unmapped(ipaddr.parse(entry));
      networks.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (HOST_NAME.test(entry.replace(/\.$/, ""))) {
      hosts.add(entry.replace(/\.$/, ""));
    } else {
      throw new WebhookAllowError(`"${raw}" is not a host name, an IP address or a CIDR`);
    }
  }
  return { hosts, networks };
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is the IPv4 address it carries: classified as that. */
function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/** Cloud metadata services: never called on a host-name allowance, only when a network entry covers them. */
const METADATA = ["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"].map((a) => ipaddr.parse(a).toNormalizedString());

function inNetworks(address: ipaddr.IPv4 | ipaddr.IPv6, policy: WebhookPolicy): boolean {
  return policy.networks.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}

/**
 * Why a webhook may not connect to `address` (a literal IP) reached as `host`
 * (`10.0.0.7, a private (RFC 1918) address`), or null when it may. Anything but global unicast is refused (loopback,
 * RFC 1918, ULA, link-local, CGNAT, unspecified, multicast, broadcast,
 * reserved and documentation ranges, NAT64 / 6to4 / Teredo, which embed IPv4
 * addresses), unless the policy allows the network or the host name.
 */
export function forbiddenAddress(address: string, host: string, policy: WebhookPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address}, not an IP address`;
  const ip = unmapped(ipaddr.parse(address));
  if (inNetworks(ip, policy)) return null;
  if (METADATA.includes(ip.toNormalizedString())) return `${address}, a cloud metadata address`;
  if (policy.hosts.has(normalHost(host))) return null;
  const range = ip.range();
  if (range === "unicast") return null;
  return `${address}, a ${RANGE_NAMES[range] ?? range} address (allow it with WEBHOOK_ALLOW)`;
}

const RANGE_NAMES: Record<string, string> = {
  loopback: "loopback",
  private: "private (RFC 1918)",
  uniqueLocal: "private (unique local, fc00::/7)",
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
};

/** A URL's host as a name or a bare address: lower case, no IPv6 brackets, no trailing dot. */
export function normalHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
}

/**
 * Why a run may not be created with this webhook URL, or null. What can be
 * known without DNS: the scheme, and a host that is a literal forbidden address
 * (or `localhost`, which always names loopback). A name is resolved only when
 * the webhook is sent, and checked then (see webhook.ts), since what it resolves
 * to at creation says nothing about later.
 */
export function webhookUrlProblem(raw: string, policy: WebhookPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `must be an http(s) URL, not ${url.protocol}`;
  const host = normalHost(url.hostname);
  if (isIP(host)) {
    const problem = forbiddenAddress(host, host, policy);
    return problem ? `may not point at ${problem}` : null;
  }
  if ((host === "localhost" || host.endsWith(".localhost")) && !policy.hosts.has(host)) {
    return "may not point at localhost (allow it with WEBHOOK_ALLOW)";
  }
  return null;
}
