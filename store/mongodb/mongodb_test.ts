/**
 * Runs the store contract against a real MongoDB when MONGODB_URI is set:
 * each test gets a fresh database, dropped when the test closes its store.
 */
import { MongoClient } from "mongodb";
import { storeContractTests, withCloseHook } from "../contract_test_suite.ts";
import { openMongoStore } from "./mod.ts";

const uri = Deno.env.get("MONGODB_URI");

if (!uri) {
  Deno.test({
    name: "mongodb contract (skipped: MONGODB_URI not set)",
    ignore: true,
    fn() {},
  });
} else {
  const testDbName = () =>
    `movielens_test_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;

  // Whether rollback can be checked depends on the deployment.
  const probeDb = testDbName();
  const probe = await openMongoStore(uri, probeDb);
  const rollback = probe.supportsTransactions;
  await probe.close();
  await dropDatabase(uri, probeDb);

  storeContractTests("mongodb", async () => {
    const dbName = testDbName();
    const store = await openMongoStore(uri, dbName);
    return withCloseHook(store, () => dropDatabase(uri, dbName));
  }, { rollback, sanitize: false });
}

async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}
