import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fixtureZip } from "../tests/fixtures/dataset_zip.ts";
import { tempPipeline } from "../tests/fixtures/pipeline_context.ts";
import { datasetObjectKey, ensureDataset } from "./download.ts";
import { readMovies } from "./parse_movies.ts";
import { detectFormat } from "./dataset.ts";
import { zipSync } from "fflate";

/** A GroupLens stand-in on a random port that records every request. */
function serveDatasets(
  files: Record<string, Uint8Array<ArrayBuffer> | string>,
) {
  const requests: string[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (request) => {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const body = files[path];
      if (body === undefined) return new Response("not found", { status: 404 });
      return new Response(body);
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/datasets`,
    requests,
    close: () => server.shutdown(),
  };
}

const md5 = (bytes: Uint8Array) =>
  createHash("md5").update(bytes).digest("hex");

Deno.test("downloads once, then uses the extracted copy or the object cache", async () => {
  const zip = await fixtureZip();
  const server = serveDatasets({
    "/datasets/ml-latest-small.zip": zip,
    "/datasets/ml-latest-small.zip.md5": `MD5 (ml-latest-small.zip) = ${
      md5(zip)
    }\n`,
  });
  try {
    const env = { MOVIELENS_BASE_URL: server.baseUrl };
    const first = await tempPipeline(env);
    const location = await ensureDataset(first.config, first.objects);
    assert.equal(location.source, "network");
    assert.equal(location.dir, `${first.dataDir}/datasets/ml-latest-small`);
    assert.deepEqual(server.requests, [
      "/datasets/ml-latest-small.zip",
      "/datasets/ml-latest-small.zip.md5",
    ]);
    assert.equal((await readMovies(location.dir)).length, 12);
    assert.ok(await first.objects.exists(datasetObjectKey("ml-latest-small")));

    // Second run on the same DATA_DIR: nothing to do, no request.
    const again = await ensureDataset(first.config, first.objects);
    assert.equal(again.source, "extracted");
    assert.equal(server.requests.length, 2);

    // A fresh DATA_DIR sharing the object storage: extracted from the cache.
    const second = await tempPipeline({
      ...env,
      OBJECT_DIR: first.config.objectDir,
    });
    const cached = await ensureDataset(second.config, second.objects);
    assert.equal(cached.source, "cache");
    assert.equal((await readMovies(cached.dir)).length, 12);
    assert.equal(server.requests.length, 2);
    await first.close();
    await second.close();
  } finally {
    await server.close();
  }
});

Deno.test("a missing .md5 is fine, a different one is an error", async () => {
  const zip = await fixtureZip();
  const server = serveDatasets({
    "/datasets/ml-latest-small.zip": zip,
    "/datasets/ml-25m.zip": zip,
    "/datasets/ml-25m.zip.md5": "0123456789abcdef0123456789abcdef  ml-25m.zip",
  });
  try {
    const ok = await tempPipeline({ MOVIELENS_BASE_URL: server.baseUrl });
    const logs: string[] = [];
    await ensureDataset(ok.config, ok.objects, {
      progress: {
        log: (m) => logs.push(m),
        task: () => ({ advance() {}, done() {} }),
      },
    });
    assert.ok(logs.some((m) => m.includes("no checksum published")));

    const bad = await tempPipeline({
      MOVIELENS_BASE_URL: server.baseUrl,
      MOVIELENS_VARIANT: "ml-25m",
    });
    await assert.rejects(
      ensureDataset(bad.config, bad.objects),
      new RegExp(
        `Download of ${server.baseUrl}/ml-25m.zip is corrupt: expected md5 0123456789abcdef0123456789abcdef \\(from .*\\.md5\\), found ${
          md5(zip)
        }`,
      ),
    );
    assert.equal(await bad.objects.exists(datasetObjectKey("ml-25m")), false);
    await ok.close();
    await bad.close();
  } finally {
    await server.close();
  }
});

Deno.test("a truncated download is an error naming the URL and is not cached", async () => {
  const zip = await fixtureZip();
  const server = serveDatasets({
    "/datasets/ml-latest-small.zip": zip.subarray(0, zip.length - 100),
  });
  try {
    const p = await tempPipeline({ MOVIELENS_BASE_URL: server.baseUrl });
    await assert.rejects(
      ensureDataset(p.config, p.objects),
      (error: Error) =>
        error.message.startsWith(
          `${server.baseUrl}/ml-latest-small.zip (saved as ${p.dataDir}/datasets/ml-latest-small.zip.part) is not a valid zip: expected an end-of-central-directory record`,
        ),
    );
    assert.equal(
      await p.objects.exists(datasetObjectKey("ml-latest-small")),
      false,
    );
    // nothing half-extracted is taken for a dataset next time
    await assert.rejects(
      Deno.stat(`${p.dataDir}/datasets/ml-latest-small`),
      Deno.errors.NotFound,
    );
    await p.close();
  } finally {
    await server.close();
  }
});

Deno.test("an HTTP error names the URL and the status", async () => {
  const server = serveDatasets({});
  try {
    const p = await tempPipeline({
      MOVIELENS_BASE_URL: server.baseUrl,
      MOVIELENS_VARIANT: "ml-32m",
    });
    await assert.rejects(
      ensureDataset(p.config, p.objects),
      {
        message:
          `Cannot download ${server.baseUrl}/ml-32m.zip: expected HTTP 200, found 404 Not Found`,
      },
    );
    await p.close();
  } finally {
    await server.close();
  }
});

Deno.test("MOVIELENS_ZIP and MOVIELENS_DIR skip the network", async () => {
  const dir = await Deno.makeTempDir();
  const zip = await fixtureZip("ml-fixture");
  await Deno.writeFile(`${dir}/ml-fixture.zip`, zip);
  // an unroutable base URL: any request would fail the test
  const env = { MOVIELENS_BASE_URL: "http://127.0.0.1:9/none" };
  const p = await tempPipeline({
    ...env,
    MOVIELENS_ZIP: `${dir}/ml-fixture.zip`,
  });
  const fromZip = await ensureDataset(p.config, p.objects);
  assert.equal(fromZip.source, "zip");
  assert.equal(fromZip.name, "ml-fixture");
  assert.equal((await readMovies(fromZip.dir)).length, 12);

  const q = await tempPipeline({ ...env, MOVIELENS_DIR: fromZip.dir });
  const fromDir = await ensureDataset(q.config, q.objects);
  assert.deepEqual(fromDir, {
    name: "ml-fixture",
    dir: fromZip.dir,
    source: "dir",
  });

  await Deno.writeFile(`${dir}/broken.zip`, zip.subarray(0, 200));
  const r = await tempPipeline({ ...env, MOVIELENS_ZIP: `${dir}/broken.zip` });
  await assert.rejects(
    ensureDataset(r.config, r.objects),
    (error: Error) =>
      error.message.startsWith(`${dir}/broken.zip is not a valid zip:`),
  );
  const empty = await tempPipeline({ ...env, MOVIELENS_DIR: dir });
  await assert.rejects(ensureDataset(empty.config, empty.objects), {
    message:
      `MOVIELENS_DIR: ${dir}: expected a MovieLens folder (movies.csv and ratings.csv, or movies.dat and ratings.dat, or u.item and u.data), found neither`,
  });
  for (const x of [p, q, r, empty]) await x.close();
});

const SHARED_ZIP =
  new URL("../../shared/data/ml-latest-small.zip", import.meta.url)
    .pathname;
const hasSharedZip = await Deno.stat(SHARED_ZIP).then(() => true, () => false);
if (!hasSharedZip) {
  console.warn(`skipping real-zip download test: ${SHARED_ZIP} is absent`);
}

Deno.test({
  name: "the real ml-latest-small.zip downloads and extracts",
  ignore: !hasSharedZip,
  async fn() {
    const server = serveDatasets({
      "/datasets/ml-latest-small.zip": await Deno.readFile(SHARED_ZIP),
    });
    try {
      const p = await tempPipeline({ MOVIELENS_BASE_URL: server.baseUrl });
      const location = await ensureDataset(p.config, p.objects);
      assert.equal((await readMovies(location.dir)).length, 9742);
      await p.close();
    } finally {
      await server.close();
    }
  },
});

Deno.test("an ml-1m zip extracts its .dat files and leaves the rest", async () => {
  const fixture = new URL("../tests/fixtures/ml-1m", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(
    `${dir}/ml-1m.zip`,
    zipSync({
      "ml-1m/movies.dat": await Deno.readFile(`${fixture}/movies.dat`),
      "ml-1m/ratings.dat": await Deno.readFile(`${fixture}/ratings.dat`),
      "ml-1m/users.dat": new TextEncoder().encode("1::F::1::10::48067\n"),
      "ml-1m/README": new TextEncoder().encode("classic layout\n"),
    }),
  );
  const p = await tempPipeline({
    MOVIELENS_BASE_URL: "http://127.0.0.1:9/none",
    MOVIELENS_ZIP: `${dir}/ml-1m.zip`,
  });
  const dataset = await ensureDataset(p.config, p.objects);
  assert.equal(dataset.name, "ml-1m");
  assert.equal(await detectFormat(dataset.dir), "ml-1m");
  const names = [];
  for await (const entry of Deno.readDir(dataset.dir)) {
    if (!entry.name.startsWith(".")) names.push(entry.name);
  }
  assert.deepEqual(names.sort(), ["README", "movies.dat", "ratings.dat"]);
  await p.close();
});
