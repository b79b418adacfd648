/**
 * The API's limits from the outside, over real sockets: who counts as one
 * client (the socket or the trusted proxies, never what the client writes;
 * the browser's address only when the web vouches for it), log-in limits
 * per client with a per-account back-off that does not lock the owner
 * out, a bounded number of password hashes at once, sign-up that does not
 * tell who has an account, and uncached reads limited per client.
 * Clients are told apart by loopback address (127.0.0.1 and ::1, the server
 * listening on both) or, behind a "trusted proxy", by the X-Forwarded-For
 * entry the test appends as a proxy would.
 */
import assert from "node:assert/strict";
import { createApp } from "../api/app.ts";
import { serveApi } from "../api/main.ts";
import { listen } from "../api/listen.ts";
import { silentLogger } from "../api/logger.ts";
import { parseConfig } from "../config/mod.ts";
import { createServer } from "../web/server.ts";
import { ensureIslands } from "../web/build.ts";
import {
  BASE_ENV,
  bearer,
  loadedStore,
  localToken,
  needsDataset,
  postJson,
} from "./api_fixture.ts";
import type { Store } from "../store/types.ts";

const PASSWORD = "correct horse battery";
const FORWARDED_SECRET = "forwarded-client-secret-0123456789abcdef";

type ApiServer = Awaited<ReturnType<typeof apiServer>>;

/** The API on a real port, listening on IPv4 and IPv6. */
async function apiServer(store: Store, env: Record<string, string>) {
  const api = await serveApi({
    config: parseConfig({ ...BASE_ENV, ...env }),
    store: { ...store, close: () => Promise.resolve() },
    logger: silentLogger,
    port: 0,
    hostname: "::",
    signals: [],
  });
  const port = api.url.port;
  return { ...clientsOn(port), close: () => api.shutdown() };
}

/** Base URLs of two different clients of a server on `port`. */
function clientsOn(port: string) {
  return { v4: `http://127.0.0.1:${port}`, v6: `http://[::1]:${port}` };
}

/** `handler` on a real port, listening on IPv4 and IPv6. */
async function listenBoth(handler: Deno.ServeHandler<Deno.NetAddr>) {
  const { server: http, url } = await listen(handler, {
    port: 0,
    hostname: "::",
  });
  return { ...clientsOn(url.port), close: () => http.shutdown() };
}

/** Web and API in one server (deno task start), on a real port. */
function webServer(store: Store, env: Record<string, string>) {
  const config = parseConfig({ ...BASE_ENV, ...env });
  const app = createApp({ config, store, logger: silentLogger });
  return listenBoth(createServer({ config, api: app }).fetch);
}

/** A step's body, run against the server `open` starts, closed after. */
function using<S extends { close(): Promise<void> }>(
  open: () => Promise<S>,
  body: (server: S) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const server = await open();
    try {
      await body(server);
    } finally {
      await server.close();
    }
  };
}

async function status(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

/** The statuses of `count` requests made one after another. */
async function statuses(
  count: number,
  request: (i: number) => Promise<Response>,
): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push(await status(request(i)));
  return seen;
}

const signup = (base: string, email: string, headers = {}) =>
  fetch(
    `${base}/api/auth/signup`,
    postJson({ email, password: PASSWORD }, headers),
  );
const login = (base: string, email: string, password: string, headers = {}) =>
  fetch(`${base}/api/auth/login`, postJson({ email, password }, headers));
/** A browser's sign-up form, posted to the web at `base`. */
const webSignup = (base: string, email: string) =>
  fetch(`${base}/signup`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: base },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });

Deno.test({
  ...needsDataset("API abuse limits over real sockets"),
  async fn(t) {
    await ensureIslands();
    const loaded = await loadedStore();
    /** A step's body, run against an API server of its own with `env`. */
    const withApi = (
      env: Record<string, string>,
      body: (api: ApiServer) => Promise<void>,
    ) => using(() => apiServer(loaded.store, env), body);
    /** The same against web and API in one server. */
    const withWeb = (
      env: Record<string, string>,
      body: (web: ApiServer) => Promise<void>,
    ) => using(() => webServer(loaded.store, env), body);
    try {
      await t.step(
        "sign-ups count per socket address, whatever X-Forwarded-For says",
        withApi({ AUTH_RATE_LIMIT_PER_MINUTE: "3" }, async (api) => {
          const spoofed = (i: number) => ({
            "X-Forwarded-For": `10.9.8.${i}`,
            "X-Client-Address": `10.7.7.${i}`,
          });
          assert.deepEqual(
            await statuses(
              3,
              (i) => signup(api.v4, `sock${i}@example.com`, spoofed(i)),
            ),
            [202, 202, 202],
          );
          assert.equal(
            await status(signup(api.v4, "sock3@example.com", spoofed(3))),
            429,
            "a new X-Forwarded-For is not a new client",
          );
          assert.equal(
            await status(signup(api.v6, "other@example.com")),
            202,
            "another address has its own budget",
          );
        }),
      );

      await t.step(
        "behind a trusted proxy, only the entry it appended counts",
        withApi({
          AUTH_RATE_LIMIT_PER_MINUTE: "3",
          TRUSTED_PROXY_COUNT: "1",
        }, async (api) => {
          const via = (written: string, seen: string) => ({
            "X-Forwarded-For": `${written}, ${seen}`,
          });
          const proxied = (i: number, written: string, seen: string) =>
            signup(api.v4, `proxy${i}@example.com`, via(written, seen));
          assert.deepEqual(
            await statuses(3, (i) => proxied(i, `1.1.1.${i}`, "203.0.113.7")),
            [202, 202, 202],
          );
          assert.equal(
            await status(proxied(3, "1.1.1.9", "203.0.113.7")),
            429,
          );
          assert.equal(
            await status(proxied(4, "203.0.113.7", "203.0.113.8")),
            202,
          );
        }),
      );

      await t.step(
        "sign-up answers the same for a taken email (no enumeration)",
        withApi({}, async (api) => {
          const fresh = await signup(api.v4, "taken@example.com");
          const taken = await signup(api.v4, "Taken@Example.com");
          assert.equal(fresh.status, 202);
          assert.equal(taken.status, 202);
          assert.deepEqual(await taken.json(), await fresh.json());
          const session = await login(api.v4, "taken@example.com", PASSWORD);
          assert.equal(session.status, 200);
          assert.ok((await session.json()).accessToken);
        }),
      );

      await t.step(
        "log-ins are limited per client, across emails (password spraying)",
        withApi({ AUTH_RATE_LIMIT_PER_MINUTE: "4" }, async (api) => {
          assert.deepEqual(
            await statuses(
              6,
              (i) => login(api.v4, `spray${i}@example.com`, PASSWORD),
            ),
            [401, 401, 401, 401, 429, 429],
          );
          assert.equal(
            await status(login(api.v6, "spray9@example.com", PASSWORD)),
            401,
          );
        }),
      );

      await t.step(
        "60 wrong passwords from 60 addresses back the account off, but not for its owner's known client",
        withApi({ TRUSTED_PROXY_COUNT: "1" }, async (api) => {
          const from = (address: string) => ({ "X-Forwarded-For": address });
          const owner = "owner@example.com";
          const usual = "198.51.100.10";
          assert.equal(await status(signup(api.v4, owner, from(usual))), 202);
          assert.equal(
            await status(login(api.v4, owner, PASSWORD, from(usual))),
            200,
          );
          const attack = await statuses(
            60,
            (i) =>
              login(api.v4, owner, `guess-${i}-wrong`, from(`192.0.2.${i}`)),
          );
          // 5 failures a minute at most reach the password check
          assert.equal(attack.filter((s) => s === 401).length, 5);
          assert.equal(attack.filter((s) => s === 429).length, 55);
          const known = await login(api.v4, owner, PASSWORD, from(usual));
          assert.equal(known.status, 200, "the owner's usual client gets in");
          await known.body?.cancel();
          const unknown = await login(
            api.v4,
            owner,
            PASSWORD,
            from("198.51.100.99"),
          );
          assert.equal(
            unknown.status,
            429,
            "a new client waits the back-off out",
          );
          assert.ok(Number(unknown.headers.get("retry-after")) >= 1);
          assert.match(
            (await unknown.json()).detail,
            /failed log-ins for this account/,
          );
        }),
      );

      await t.step(
        "a burst of log-ins waits for a bounded number of password hashes, or gets 503",
        withApi({
          TRUSTED_PROXY_COUNT: "1",
          PASSWORD_HASH_CONCURRENCY: "1",
        }, async (api) => {
          const started = performance.now();
          const burst = Array.from({ length: 30 }, (_, i) =>
            fetch(
              `${api.v4}/api/auth/login`,
              postJson(
                { email: `burst${i}@example.com`, password: PASSWORD },
                { "X-Forwarded-For": `192.0.2.${100 + i}` },
              ),
            ));
          const health = await fetch(`${api.v4}/health`);
          const healthMs = performance.now() - started;
          assert.equal(health.status, 200);
          await health.body?.cancel();
          const answers = await Promise.all(burst);
          const statuses = answers.map((r) => r.status);
          const busy = answers.filter((r) => r.status === 503);
          for (const r of answers) await r.body?.cancel();
          console.log(
            `  30 log-ins at once: ${
              statuses.filter((s) => s === 401).length
            } checked, ${busy.length} told to retry; /health answered in ${
              healthMs.toFixed(0)
            } ms meanwhile`,
          );
          assert.deepEqual(
            statuses.filter((s) => s !== 401 && s !== 503),
            [],
          );
          assert.ok(busy.length >= 30 - 1 - 8, `${busy.length} 503s`);
          for (const r of busy) {
            assert.ok(Number(r.headers.get("retry-after")) >= 1);
          }
        }),
      );

      await t.step(
        "uncached reads are limited per client; cached ones are not counted",
        withApi({ READ_RATE_LIMIT_PER_MINUTE: "4" }, async (api) => {
          const search = (base: string, q: string) =>
            status(fetch(`${base}/api/movies?q=${q}&pageSize=7`));
          const misses = [];
          for (const q of ["toy", "heat", "alien", "matrix", "fargo"]) {
            misses.push(await search(api.v4, q));
          }
          assert.deepEqual(misses, [200, 200, 200, 200, 429]);
          assert.equal(await search(api.v4, "toy"), 200, "a cached answer");
          assert.equal(await search(api.v6, "fargo"), 200);
          const describe = (base: string) =>
            status(fetch(`${base}/api/search?q=robots+in+space&limit=5`));
          assert.equal(
            await describe(api.v4),
            429,
            "search by description is counted too",
          );
          assert.equal(await describe(api.v6), 200);
          const auth = bearer(
            await localToken("reader"),
          );
          assert.equal(
            await status(
              fetch(`${api.v4}/api/recommendations/user/me?limit=3`, {
                headers: auth,
              }),
            ),
            429,
          );
        }),
      );

      await t.step(
        "the web counts each browser, and only the web can vouch for one",
        withWeb({ AUTH_RATE_LIMIT_PER_MINUTE: "3" }, async ({ v4, v6 }) => {
          assert.deepEqual(
            await statuses(
              3,
              (i) =>
                signup(v4, `flood${i}@example.com`, {
                  "X-Client-Address": `10.0.0.${i}`,
                }),
            ),
            [202, 202, 202],
          );
          assert.equal(
            await status(signup(v4, "flood3@example.com")),
            429,
            "the API's own sign-ups from 127.0.0.1 are spent",
          );
          assert.equal(
            await status(webSignup(v6, "visitor@example.com")),
            303,
            "a browser elsewhere still signs up through the web",
          );
          assert.notEqual(
            await status(webSignup(v4, "flooder@example.com")),
            303,
            "the flooding address cannot sign up through the web either",
          );
        }),
      );

      await t.step(
        "the web's search pages count each browser's reads",
        withWeb({ READ_RATE_LIMIT_PER_MINUTE: "3" }, async (web) => {
          const page = (base: string, q: string) =>
            status(fetch(`${base}/search?q=${q}`));
          const spent: number[] = [];
          for (const q of ["robots", "pirates", "zombies", "vampires"]) {
            spent.push(await page(web.v4, q));
            if (spent.at(-1) !== 200) break;
          }
          assert.equal(spent[0], 200);
          assert.equal(spent.at(-1), 503, `one browser's reads: ${spent}`);
          assert.equal(
            await page(web.v6, "dragons"),
            200,
            "another browser has its own budget",
          );
        }),
      );

      await t.step(
        "a web elsewhere (API_URL) vouches with the shared secret",
        withApi({
          AUTH_RATE_LIMIT_PER_MINUTE: "3",
          FORWARDED_CLIENT_SECRET: FORWARDED_SECRET,
        }, async (api) => {
          const webConfig = parseConfig({
            ...BASE_ENV,
            API_URL: api.v4,
            FORWARDED_CLIENT_SECRET: FORWARDED_SECRET,
          });
          const web = await listenBoth(
            createServer({ config: webConfig }).fetch,
          );
          try {
            await statuses(3, (i) =>
              signup(api.v4, `direct${i}@example.com`, {
                "X-Client-Address": `10.1.1.${i}`,
                "X-Client-Address-Key": "a guess that is not the secret at all",
              }));
            assert.equal(
              await status(signup(api.v4, "direct3@example.com")),
              429,
              "127.0.0.1 (the web's own address here too) is spent",
            );
            const res = await webSignup(web.v6, "remote-visitor@example.com");
            assert.equal(
              res.status,
              303,
              "the browser (::1) is counted, not the web",
            );
            await res.body?.cancel();
          } finally {
            await web.close();
          }
        }),
      );
    } finally {
      await loaded.close();
    }
  },
});
