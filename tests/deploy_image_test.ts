/**
 * The image as the Dockerfile builds it, from a real build context (Docker
 * does not run here): tools/image/emulate.ts copies what .dockerignore lets
 * through and runs the COPY and RUN steps, `deno install` and the prune
 * script included. The result must hold no other system's binaries, no
 * test-only package and no second copy of the npm packages, and the API and
 * the MiniLM embedder must still run from it with nothing fetched.
 */
import assert from "node:assert/strict";
import { emulateDockerfile, npmCacheDir } from "../tools/image/emulate.ts";
import { TINY_MODEL_NAME, writeTinyModel } from "./fixtures/make_tiny_model.ts";

const REPO = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

async function imageDenoVersion(): Promise<string> {
  const text = await Deno.readTextFile(`${REPO}/Dockerfile`);
  return /ARG DENO_VERSION=(\S+)/.exec(text)?.[1] ?? "";
}

/** Every regular file below `dir` (links not followed), relative to it. */
async function filesBelow(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      out.push(...await filesBelow(`${dir}/${entry.name}`, `${path}/`));
    } else if (entry.isFile) out.push(path);
  }
  return out;
}

async function waitForHealth(port: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.body?.cancel();
      return res.status;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return 0;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

const wanted = await imageDenoVersion();
const ignoreReason = Deno.version.deno === wanted
  ? ""
  : ` (ignored: the image pins Deno ${wanted}, this is ${Deno.version.deno})`;

Deno.test({
  name:
    `Docker image built from the real build context is pruned and runs${ignoreReason}`,
  ignore: ignoreReason !== "",
  async fn(t) {
    const workDir = await Deno.makeTempDir({ prefix: "image_test_" });
    try {
      const image = await emulateDockerfile({
        repo: REPO,
        workDir,
        seedNpmCache: await npmCacheDir(),
      });
      const files = [
        ...(await filesBelow(`${image.app}/node_modules`)).map((f) =>
          `node_modules/${f}`
        ),
        ...(await filesBelow(image.denoDir)).map((f) => `DENO_DIR/${f}`),
      ];

      await t.step("no other system's native binaries, anywhere", () => {
        const foreign = files.filter((f) =>
          /onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)\//.test(f) ||
          /sharp-(libvips-)?linuxmusl/.test(f) && !f.endsWith(".initialized")
        );
        assert.deepEqual(foreign.slice(0, 5), []);
        const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
        assert.ok(
          files.some((f) => f.includes(`/napi-v6/linux/${arch}/`)),
          "keeps this architecture's onnxruntime",
        );
      });

      await t.step("no test-only packages and no second npm copy", () => {
        for (
          const name of [
            "playwright-core",
            "wabt",
            "onnx-proto",
            "onnxruntime-web",
          ]
        ) {
          const kept = files.filter((f) =>
            f.includes(`/node_modules/${name}/`)
          );
          assert.deepEqual(kept.slice(0, 3), [], `${name} is in the image`);
        }
        const tarballs = files.filter((f) =>
          f.startsWith("DENO_DIR/npm/") && !f.endsWith("/registry.json")
        );
        assert.deepEqual(tarballs.slice(0, 3), [], "deno's npm cache is gone");
      });

      await t.step("layer sizes", () => {
        const total = image.layers.reduce((n, l) => n + l.bytes, 0);
        for (const layer of image.layers) {
          console.log(
            `  ${(layer.bytes / 1e6).toFixed(1).padStart(7)} MB  ${
              layer.instruction.slice(0, 70)
            }`,
          );
        }
        console.log(`  ${(total / 1e6).toFixed(1).padStart(7)} MB in total`);
        // 576 MB before the prune (darwin and win32 onnxruntime, deno's
        // hard-linked npm cache, test-only packages); about 121 MB after.
        assert.ok(total < 200e6, `the image adds ${total} bytes`);
      });

      await t.step(
        "the API starts with nothing fetched and answers",
        async () => {
          const port = freePort();
          const dataDir = `${workDir}/api-data`;
          const api = new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", "--cached-only", "api/main.ts"],
            cwd: image.app,
            env: {
              ...image.env,
              PORT: String(port),
              DATA_DIR: dataDir,
              EMBEDDER: "tfidf",
              LOG_LEVEL: "error",
            },
            stdout: "null",
            stderr: "piped",
          }).spawn();
          try {
            assert.equal(await waitForHealth(port), 200);
          } finally {
            api.kill("SIGTERM");
            const { stderr } = await api.output();
            const text = new TextDecoder().decode(stderr);
            assert.doesNotMatch(text, /Download/);
          }
        },
      );

      await t.step(
        "the pipeline embeds with MiniLM's runtime from the image",
        async () => {
          const modelDir = `${workDir}/models`;
          await writeTinyModel(modelDir);
          const out = await new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "-A",
              "--cached-only",
              "pipeline/main.ts",
              "download",
              "embed",
            ],
            cwd: image.app,
            env: {
              ...image.env,
              DATA_DIR: `${workDir}/pipeline-data`,
              MOVIELENS_DIR: `${REPO}/tests/fixtures/movielens`,
              EMBEDDER: "minilm",
              MODEL_DIR: modelDir,
              EMBEDDING_MODEL: TINY_MODEL_NAME,
              ALLOW_REMOTE_MODELS: "false",
            },
            stdout: "piped",
            stderr: "piped",
          }).output();
          const log = new TextDecoder().decode(out.stdout) +
            new TextDecoder().decode(out.stderr);
          assert.ok(out.success, log);
          assert.match(log, /embedded with minilm/);
        },
      );
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  },
});
