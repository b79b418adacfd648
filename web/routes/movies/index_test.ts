import assert from "node:assert/strict";
import { PAGE_SIZE, parseBrowseQuery } from "./index.tsx";

const parse = (query: string) => parseBrowseQuery(new URLSearchParams(query));

Deno.test("parseBrowseQuery reads every filter from the URL", () => {
  assert.deepEqual(
    parse(
      "q=+toy+&genre=Animation&genre=&yearFrom=1990&yearTo=2000&sort=year&order=asc&page=3",
    ),
    {
      query: {
        q: "toy",
        genres: ["Animation"],
        yearFrom: 1990,
        yearTo: 2000,
        sort: "year",
        order: "asc",
        page: 3,
        pageSize: PAGE_SIZE,
      },
      problems: {},
    },
  );
  // Unknown sorts, orders and pages fall back to the defaults, silently.
  const fallback = parse("sort=best&order=up&page=-2").query;
  assert.equal(fallback.sort, undefined);
  assert.equal(fallback.order, undefined);
  assert.equal(fallback.page, 1);
});

Deno.test("parseBrowseQuery names the year field at fault, in words", () => {
  const backwards = parse("yearFrom=2000&yearTo=1990");
  assert.deepEqual(backwards.problems, {
    yearTo: "“To year” (1990) must not be before “From year” (2000).",
  });
  const outOfRange = parse("yearFrom=1700&yearTo=abc");
  assert.deepEqual(outOfRange.problems, {
    yearFrom: "“From year” must be a year from 1800 to 2200.",
    yearTo: "“To year” must be a year from 1800 to 2200.",
  });
  assert.equal(outOfRange.query.yearFrom, undefined);
  assert.deepEqual(parse("yearFrom=&yearTo=").problems, {});
});
