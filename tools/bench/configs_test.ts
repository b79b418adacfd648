import assert from "node:assert/strict";
import {
  containerArgs,
  deployedServiceEnv,
  shippedConfigs,
  taskArgs,
  withStandIns,
} from "./configs.ts";

Deno.test("the shipped configurations are read from deno.json, the Dockerfile and the deploy script", async () => {
  assert.equal((await taskArgs("start")).at(-1), "main.ts");
  const container = await containerArgs();
  assert.equal(container[0], "run");
  assert.equal(container.at(-1), "api/main.ts");
  const deployed = await deployedServiceEnv();
  assert.equal(deployed.LOG_LEVEL, "info");
  assert.equal(deployed.STORE, "mongodb");
  const [start, shipped] = await shippedConfigs();
  assert.equal(start.name, "deno task start");
  assert.equal(shipped.env.LOG_LEVEL, deployed.LOG_LEVEL);
  assert.equal(shipped.env.STORE, "sqlite");
  for (const value of Object.values(shipped.env)) {
    assert.doesNotMatch(value, /\$\{/, "no unexpanded variable is passed on");
  }
});

Deno.test("cloud services get stand-ins; unknown ${…} values are dropped and named", () => {
  const { env, standIns } = withStandIns({
    STORE: "mongodb",
    UPSTASH_REDIS_REST_URL: "${UPSTASH_REDIS_REST_URL}",
    NEW_THING: "${SOMETHING}",
    LOG_LEVEL: "info",
  });
  assert.deepEqual(env, { STORE: "sqlite", LOG_LEVEL: "info" });
  assert.ok(standIns.some((s) => s.startsWith("NEW_THING unset")));
});
