/**
 * Who is calling, for per-client limits: the address the connection comes
 * from, never one the client wrote itself. Behind N trusted proxies (Cloud
 * Run's front end is one) it is the N-th `X-Forwarded-For` entry from the
 * right: each proxy appends the address it saw, so entries left of those
 * are whatever the client sent. The web, which calls the API for the
 * browser, vouches for the browser's address: in-process through the
 * request's bindings (no HTTP client can set them), over HTTP with a
 * secret shared by the web and the API.
 * @module
 */

/** Header carrying the browser's address from the web to the API. */
export const CLIENT_ADDRESS_HEADER = "x-client-address";
/** Header carrying the secret that makes the API trust that address. */
export const CLIENT_ADDRESS_KEY_HEADER = "x-client-address-key";

/**
 * What the runtime hands the app with a request (Hono's `c.env`):
 * `Deno.serve`'s connection info, or the in-process web's word.
 */
export interface RequestBindings {
  /** The TCP peer (`Deno.ServeHandlerInfo.remoteAddr`). */
  remoteAddr?: { hostname?: string };
  /** Set only by the in-process web client (web/api_client.ts). */
  webClientAddress?: string;
}

/** How far to trust what a request says about its sender. */
export interface ClientAddressOptions {
  /** Proxies in front that append to X-Forwarded-For (TRUSTED_PROXY_COUNT). */
  trustedProxies: number;
  /** FORWARDED_CLIENT_SECRET: the web's proof for `x-client-address`. */
  forwardedSecret?: string;
}

/** The address when nothing tells it (`app.request()` without bindings). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The sender's address as the proxies in front saw it: the
 * `trustedProxies`-th `X-Forwarded-For` entry from the right, or the TCP
 * peer when no proxy is trusted (or the header is shorter than the chain).
 *
 * @example
 * addressFromProxies("6.6.6.6, 1.2.3.4", "10.0.0.1", 1); // "1.2.3.4"
 * addressFromProxies("6.6.6.6", "1.2.3.4", 0); // "1.2.3.4"
 */
export function addressFromProxies(
  forwardedFor: string | null | undefined,
  peer: string | undefined,
  trustedProxies: number,
): string {
  if (trustedProxies > 0 && forwardedFor) {
    const entries = forwardedFor.split(",").map((e) => e.trim());
    const entry = entries[entries.length - trustedProxies];
    if (entry) return normalizeAddress(entry);
  }
  return peer ? normalizeAddress(peer) : UNKNOWN_CLIENT;
}

/** Strips brackets, a port and IPv4-mapped IPv6 (`::ffff:1.2.3.4`). */
function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1] : a;
}

/**
 * The key a per-client limit counts under: an IPv4 address as is, an IPv6
 * address by its /64 (one subscriber's prefix, which a client can walk
 * through without cost).
 *
 * @example
 * clientKey("2001:db8:1:2:aaaa::1"); // "2001:db8:1:2::/64"
 */
export function clientKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  if (groups.length !== 8) return address;
  return `${
    groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")
  }::/64`;
}

/** Compares two secrets in time independent of where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let difference = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return difference === 0;
}

/**
 * The caller's address: what the web vouches for when it may, else what
 * the socket and the trusted proxies say.
 */
export function clientAddress(
  request: { header(name: string): string | undefined },
  bindings: RequestBindings | undefined,
  options: ClientAddressOptions,
): string {
  if (bindings?.webClientAddress) {
    return normalizeAddress(bindings.webClientAddress);
  }
  const vouched = request.header(CLIENT_ADDRESS_HEADER);
  const key = request.header(CLIENT_ADDRESS_KEY_HEADER);
  if (
    vouched && key && options.forwardedSecret &&
    sameSecret(key, options.forwardedSecret)
  ) return normalizeAddress(vouched);
  return addressFromProxies(
    request.header("x-forwarded-for"),
    bindings?.remoteAddr?.hostname,
    options.trustedProxies,
  );
}
