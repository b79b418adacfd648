/** Serving a fetch handler on a port, shared by `api/main.ts` and `main.ts`. */

/** A listening server and the URL it answers on. */
export interface Listening {
  server: Deno.HttpServer<Deno.NetAddr>;
  url: URL;
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
    /** Host named in the URL when bound to every interface. */
    publicHost?: string;
  },
): Promise<Listening> {
  const { promise: listening, resolve } = Promise.withResolvers<
    Deno.NetAddr
  >();
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname ?? "0.0.0.0",
    onListen: resolve,
  }, handler);
  const address = await listening;
  const host = address.hostname === "0.0.0.0"
    ? options.publicHost ?? "127.0.0.1"
    : address.hostname;
  return { server, url: new URL(`http://${host}:${address.port}/`) };
}
