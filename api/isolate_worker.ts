/**
 * One worker isolate of `api/isolates.ts`: serves the API on the main
 * isolate's port until told to stop, then drains its requests as the main
 * isolate does.
 * @module
 */
import type { FromWorker, ToWorker } from "./isolates.ts";
import { stdoutLines } from "./logger.ts";
import { type RunningApi, serveApi } from "./main.ts";

/** The worker's global scope, as far as this module uses it. */
const scope = self as unknown as {
  onmessage: (event: MessageEvent<ToWorker>) => void;
  postMessage(message: FromWorker): void;
};

let running: RunningApi | undefined;

scope.onmessage = async (event) => {
  const message = event.data;
  try {
    if (message.kind === "serve") {
      running = await serveApi({
        port: message.port,
        hostname: message.hostname,
        signals: [],
        worker: true,
      });
      scope.postMessage({ kind: "listening" } satisfies FromWorker);
    } else {
      await running?.shutdown();
      // the main isolate ends this one on "stopped": no buffered line is lost
      stdoutLines().flush();
      scope.postMessage({ kind: "stopped" } satisfies FromWorker);
    }
  } catch (error) {
    scope.postMessage(
      {
        kind: "failed",
        message: error instanceof Error ? error.message : String(error),
      } satisfies FromWorker,
    );
  }
};
