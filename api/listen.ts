/** Serving a fetch handler on a port, shared by `api/main.ts` and `main.ts`. */

/** A listening server and the URL it answers on. */
export interface Listening {
  server: Deno.HttpServer<Deno.NetAddr>;
  url: URL;
  /**
   * Stops gracefully (SIGTERM): from now on new requests get 503 with
   * `Retry-After` and `Connection: close` while those in flight finish (for
   * at most `deadlineMs`); stragglers still get that 503 for `lingerMs`;
   * then the socket closes. Closing the socket at once instead would reset
   * connections the kernel had already accepted, requests sent and never
   * answered.
   */
  drainAndStop(options?: DrainOptions): Promise<void>;
}

/** Options for `drainAndStop`. */
export interface DrainOptions {
  /** Longest wait for requests in flight (default 8 s: Cloud Run allows 10). */
  deadlineMs?: number;
  /** How long stragglers are answered 503 before the socket closes (default 300 ms). */
  lingerMs?: number;
}

function shuttingDown(): Response {
  return new Response(
    JSON.stringify({
      type: "/problems/shutting-down",
      title: "Service unavailable",
      status: 503,
      detail: "The server is shutting down; send the request again",
    }),
    {
      status: 503,
      headers: {
        "content-type": "application/problem+json",
        "retry-after": "1",
        connection: "close",
      },
    },
  );
}

/**
 * Serves `handler` and resolves once the socket is bound (port 0 picks a
 * free port), with a URL that a browser or test can use.
 */
export async function listen(
  handler: Deno.ServeHandler<Deno.NetAddr>,
  options: {
    port: number;
    hostname?: string;
    /** Host named in the URL when bound to every interface (0.0.0.0, ::). */
    publicHost?: string;
    /**
     * Share the port with other isolates (`SO_REUSEPORT`): the kernel
     * spreads new connections over every socket bound to it.
     */
    reusePort?: boolean;
  },
): Promise<Listening> {
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const done = () => {
    if (--inFlight === 0) idle?.();
  };
  // Counts requests in flight; a synchronous answer (cached bytes) stays synchronous.
  const counted: Deno.ServeHandler<Deno.NetAddr> = (request, info) => {
    if (draining) return shuttingDown();
    inFlight++;
    let answer;
    try {
      answer = handler(request, info);
    } catch (error) {
      done();
      throw error;
    }
    if (answer instanceof Response) {
      done();
      return answer;
    }
    return answer.finally(done);
  };
  const { promise: listening, resolve } = Promise.withResolvers<
    Deno.NetAddr
  >();
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname ?? "0.0.0.0",
    reusePort: options.reusePort,
    onListen: resolve,
  }, counted);
  const address = await listening;
  const host = address.hostname === "0.0.0.0" || address.hostname === "::"
    ? options.publicHost ?? "127.0.0.1"
    : address.hostname;
  let stopping: Promise<void> | undefined;
  const drainAndStop = (drain: DrainOptions = {}): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      const quiet = new Promise<void>((resolve) => {
        idle = resolve;
        if (inFlight === 0) resolve();
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        quiet,
        new Promise((r) => timer = setTimeout(r, drain.deadlineMs ?? 8000)),
      ]);
      clearTimeout(timer);
      await new Promise((r) => setTimeout(r, drain.lingerMs ?? 300));
      await server.shutdown();
    })();
    return stopping;
  };
  return {
    server,
    url: new URL(`http://${host}:${address.port}/`),
    drainAndStop,
  };
}
