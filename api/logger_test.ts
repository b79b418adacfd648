import assert from "node:assert/strict";
import { bufferedSink, jsonLogger } from "./logger.ts";

Deno.test("jsonLogger writes one Cloud Logging object per line, secrets redacted", () => {
  const lines: string[] = [];
  const logger = jsonLogger({ level: "info", write: (l) => lines.push(l) });
  logger.debug("dropped below the level");
  const child = logger.child({ requestId: "r1", component: "api" });
  child.info("Signed in", {
    component: "auth",
    user: { id: "u1", password: "hunter2", session: { accessToken: "t" } },
    error: new RangeError("out of range"),
  });
  logger.error("Plain");
  assert.equal(lines.length, 2);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.severity, "INFO");
  assert.equal(entry.message, "Signed in");
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(entry.requestId, "r1");
  assert.equal(entry.component, "auth", "an entry's field wins over the base");
  assert.deepEqual(entry.user, {
    id: "u1",
    password: "[redacted]",
    session: { accessToken: "[redacted]" },
  });
  assert.equal(entry.error.name, "RangeError");
  assert.equal(entry.error.message, "out of range");
  assert.equal(Object.keys(entry).filter((k) => k === "component").length, 1);
  assert.deepEqual(Object.keys(JSON.parse(lines[1])), [
    "severity",
    "message",
    "time",
  ]);
  assert.equal(logger.enabled?.("DEBUG"), false);
  assert.equal(logger.enabled?.("WARNING"), true);
});

Deno.test("bufferedSink batches lines, and writes warnings at once with every line before them", async () => {
  const writes: string[] = [];
  const sink = bufferedSink({
    writeBytes: (bytes) => writes.push(new TextDecoder().decode(bytes)),
    flushMs: 20,
    maxBytes: 300,
  });
  try {
    const logger = jsonLogger({ level: "debug", write: sink.write });
    logger.info("one");
    logger.debug("two");
    assert.equal(writes.length, 0, "ordinary lines wait");
    logger.warning("three");
    assert.equal(writes.length, 1, "a warning flushes at once");
    assert.deepEqual(
      writes[0].trimEnd().split("\n").map((l) => JSON.parse(l).message),
      ["one", "two", "three"],
    );
    logger.info("four");
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(writes.length, 2, "a waiting line is written after flushMs");
    assert.equal(JSON.parse(writes[1]).message, "four");
    // about 145 bytes each: the third does not fit the 300-byte buffer
    for (let i = 0; i < 3; i++) {
      logger.info(`filler ${i}`, { pad: "x".repeat(60) });
    }
    assert.equal(writes.length, 3, "a line that does not fit flushes first");
    assert.deepEqual(
      writes[2].trimEnd().split("\n").map((l) => JSON.parse(l).message),
      ["filler 0", "filler 1"],
    );
    logger.info("x".repeat(400));
    assert.equal(writes.length, 5, "a line longer than the buffer goes alone");
    assert.equal(JSON.parse(writes[4]).message.length, 400);
    logger.info("last");
    sink.close();
    assert.equal(JSON.parse(writes[5]).message, "last", "close flushes");
  } finally {
    sink.close();
  }
});

Deno.test("buffered stdout lines survive every way a process ends", async () => {
  const logger = new URL("./logger.ts", import.meta.url).href;
  const endings: Record<string, string> = {
    "returns": "",
    "calls Deno.exit": "Deno.exit(3);",
    "throws": "throw new Error('boom');",
    "rejects": "Promise.reject(new Error('boom'));",
  };
  for (const [ending, code] of Object.entries(endings)) {
    const script = `import { jsonLogger } from "${logger}";
const log = jsonLogger({ level: "info" });
for (let i = 0; i < 3; i++) log.info("line " + i);
${code}`;
    const { stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "piped",
      stderr: "null",
    }).output();
    const messages = new TextDecoder().decode(stdout).trimEnd().split("\n")
      .map((l) => JSON.parse(l).message);
    assert.deepEqual(
      messages,
      ["line 0", "line 1", "line 2"],
      `a process that ${ending}`,
    );
  }
});
