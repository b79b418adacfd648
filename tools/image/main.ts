/**
 * How big the image's layers are, from a real build context, without
 * Docker: copies what `.dockerignore` lets through, runs the Dockerfile's
 * COPY and RUN steps (`deno install` included) and prints each layer.
 *
 *   deno run -A tools/image/main.ts                 # this checkout, fresh npm download
 *   deno run -A tools/image/main.ts --seed          # hard-link packages from deno's cache
 *   deno run -A tools/image/main.ts --repo <dir>    # another checkout (e.g. `git archive`)
 *
 * Sizes are what the image adds on top of the base image (denoland/deno).
 * @module
 */
import { emulateDockerfile, npmCacheDir } from "./emulate.ts";

const MB = 1_000_000;

if (import.meta.main) {
  const args = Deno.args;
  const repoFlag = args.indexOf("--repo");
  const repo = repoFlag >= 0
    ? args[repoFlag + 1]
    : new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
  const workDir = await Deno.makeTempDir({ prefix: "image_layers_" });
  try {
    const started = performance.now();
    const image = await emulateDockerfile({
      repo,
      workDir,
      seedNpmCache: args.includes("--seed") ? await npmCacheDir() : undefined,
    });
    let total = 0;
    for (const layer of image.layers) {
      total += layer.bytes;
      const text = layer.instruction.length > 90
        ? `${layer.instruction.slice(0, 87)}...`
        : layer.instruction;
      console.log(
        `${(layer.bytes / MB).toFixed(1).padStart(8)} MB ${
          String(layer.files).padStart(6)
        } files  ${text}`,
      );
    }
    console.log(
      `${
        (total / MB).toFixed(1).padStart(8)
      } MB in total over the base image (${
        ((performance.now() - started) / 1000).toFixed(0)
      } s)`,
    );
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}
