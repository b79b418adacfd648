import assert from "node:assert/strict";
import {
  addressFromProxies,
  clientAddress,
  clientKey,
} from "./client_address.ts";

const headers = (h: Record<string, string>) => ({
  header: (name: string) => h[name.toLowerCase()],
});

Deno.test("the client address is the socket's, or what the trusted proxies appended", () => {
  assert.equal(addressFromProxies("6.6.6.6", "::ffff:10.0.0.1", 0), "10.0.0.1");
  assert.equal(
    addressFromProxies("6.6.6.6, 1.2.3.4", "10.0.0.1", 1),
    "1.2.3.4",
  );
  assert.equal(
    addressFromProxies("6.6.6.6, 1.2.3.4, 10.0.0.9", "10.0.0.1", 2),
    "1.2.3.4",
  );
  // shorter than the chain: not from the proxies, so the socket counts
  assert.equal(addressFromProxies("1.2.3.4", "10.0.0.1", 2), "10.0.0.1");
  assert.equal(
    addressFromProxies("[2001:db8::1]:443", undefined, 1),
    "2001:db8::1",
  );
  assert.equal(addressFromProxies(undefined, undefined, 0), "unknown");
});

Deno.test("IPv6 clients count by their /64", () => {
  assert.equal(clientKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(
    clientKey("2001:0db8:0001:0002:ffff:1:2:3"),
    "2001:db8:1:2::/64",
  );
  assert.equal(clientKey("::1"), "0:0:0:0::/64");
  assert.equal(clientKey("192.0.2.7"), "192.0.2.7");
});

Deno.test("the web's word counts only in-process or with the shared secret", () => {
  const options = { trustedProxies: 0, forwardedSecret: "s".repeat(32) };
  const peer = { remoteAddr: { hostname: "10.0.0.1" } };
  const vouched = { "x-client-address": "198.51.100.7" };
  assert.equal(clientAddress(headers(vouched), peer, options), "10.0.0.1");
  assert.equal(
    clientAddress(
      headers({ ...vouched, "x-client-address-key": "s".repeat(31) }),
      peer,
      options,
    ),
    "10.0.0.1",
  );
  assert.equal(
    clientAddress(
      headers({ ...vouched, "x-client-address-key": "s".repeat(32) }),
      peer,
      options,
    ),
    "198.51.100.7",
  );
  assert.equal(
    clientAddress(headers({}), { webClientAddress: "198.51.100.8" }, options),
    "198.51.100.8",
  );
});
