/**
 * What the MongoDB adapter sends, checked without a server: the movie filter
 * and sort, the scan keyset condition and the bulk-write retry rule.
 */
import assert from "node:assert/strict";
import type { Document } from "mongodb";
import type { MovieQuery } from "../types.ts";
import { resolveMovieQuery } from "../movie_query.ts";
import {
  duplicateKeyRetries,
  interactionKey,
  interactionsAfter,
  interactionScanSort,
  movieFilter,
  movieIndexes,
  movieSort,
} from "./query.ts";

const resolve = (q: Partial<MovieQuery>) =>
  resolveMovieQuery({ offset: 0, limit: 10, ...q });

Deno.test("mongodb query: title search arrives as the ids it matched", () => {
  // The text itself is matched by the shared title index, not by the server.
  assert.deepEqual(movieFilter(resolve({ q: "the matrix" })), {});
  assert.deepEqual(
    movieFilter(resolve({ q: "matrix", genres: ["Action"] }), [2571, 6365]),
    { _id: { $in: [2571, 6365] }, genres: { $all: ["Action"] } },
  );
});

Deno.test("mongodb query: every genre, inclusive year range", () => {
  assert.deepEqual(
    movieFilter(resolve({ genres: ["Comedy", "Action", "Comedy"] })),
    { genres: { $all: ["Comedy", "Action"] } },
  );
  assert.deepEqual(movieFilter(resolve({ genres: [] })), {});
  assert.deepEqual(movieFilter(resolve({ yearFrom: 1995 })), {
    year: { $gte: 1995 },
  });
  assert.deepEqual(movieFilter(resolve({ yearTo: 1995 })), {
    year: { $lte: 1995 },
  });
  assert.deepEqual(
    movieFilter(
      resolve({ q: "heat", genres: ["Crime"], yearFrom: 1990, yearTo: 2000 }),
      [6],
    ),
    {
      _id: { $in: [6] },
      genres: { $all: ["Crime"] },
      year: { $gte: 1990, $lte: 2000 },
    },
  );
});

Deno.test("mongodb query: each sort and order, id tie-break, served by an index", () => {
  const sort = (s: MovieQuery["sort"], order?: MovieQuery["order"]) =>
    movieSort(resolve({ sort: s, order }).keys);
  assert.deepEqual(sort(undefined), [
    ["ratingCount", -1],
    ["bayesianScore", -1],
    ["_id", 1],
  ]);
  assert.deepEqual(sort("popular", "asc"), [
    ["ratingCount", 1],
    ["bayesianScore", 1],
    ["_id", -1],
  ]);
  assert.deepEqual(sort("rating"), [["bayesianScore", -1], ["_id", 1]]);
  assert.deepEqual(sort("rating", "asc"), [["bayesianScore", 1], ["_id", -1]]);
  assert.deepEqual(sort("title"), [["searchTitle", 1], ["_id", 1]]);
  assert.deepEqual(sort("title", "desc"), [["searchTitle", -1], ["_id", -1]]);
  assert.deepEqual(sort("year"), [["year", -1], ["_id", 1]]);
  assert.deepEqual(sort("year", "asc"), [["year", 1], ["_id", -1]]);

  // Each sort walks one index forwards or backwards: no in-memory sort.
  const keys = movieIndexes.map((index) => JSON.stringify(index.key));
  for (const s of ["popular", "rating", "title", "year"] as const) {
    for (const order of ["asc", "desc"] as const) {
      const fields = sort(s, order);
      const forward = JSON.stringify(Object.fromEntries(fields));
      const backward = JSON.stringify(
        Object.fromEntries(fields.map(([f, d]) => [f, -d])),
      );
      assert.ok(
        keys.includes(forward) || keys.includes(backward),
        `${s} ${order}: no index for ${forward}`,
      );
    }
  }
  assert.equal(
    new Set(movieIndexes.map((i) => i.name)).size,
    movieIndexes.length,
  );
});

/** Evaluates the keyset filter's shape ($or of equalities and $gt). */
function matches(filter: Document, doc: Document): boolean {
  if (filter.$or) {
    return (filter.$or as Document[]).some((branch) => matches(branch, doc));
  }
  return Object.entries(filter).every(([field, condition]) =>
    condition !== null && typeof condition === "object"
      ? doc[field] > condition.$gt
      : doc[field] === condition
  );
}

Deno.test("mongodb query: scan keyset resumes exactly after the last key", () => {
  assert.deepEqual(interactionsAfter(null), {});
  assert.deepEqual(
    interactionsAfter({ userId: "ml:3", movieId: 5, type: "like" }),
    {
      $or: [
        { userId: { $gt: "ml:3" } },
        { userId: "ml:3", movieId: { $gt: 5 } },
        { userId: "ml:3", movieId: 5, type: { $gt: "like" } },
      ],
    },
  );
  // The scan sort is the unique index's key, so batches walk the index.
  assert.deepEqual(
    interactionScanSort,
    Object.entries(interactionKey),
  );

  const rows: { userId: string; movieId: number; type: "like" | "rating" }[] =
    [];
  for (const userId of ["a", "b", "c"]) {
    for (const movieId of [1, 2, 10]) {
      for (const type of ["like", "rating"] as const) {
        rows.push({ userId, movieId, type });
      }
    }
  }
  // Rows in scan order; each row's filter keeps exactly the rows after it.
  const key = (r: (typeof rows)[number]) =>
    [r.userId, r.movieId, r.type] as const;
  const sorted = [...rows].sort((x, y) => {
    const [ua, ma, ta] = key(x);
    const [ub, mb, tb] = key(y);
    return ua < ub
      ? -1
      : ua > ub
      ? 1
      : ma - mb || (ta < tb ? -1 : ta > tb ? 1 : 0);
  });
  sorted.forEach((last, i) => {
    const filter = interactionsAfter(last) as Document;
    assert.deepEqual(
      sorted.filter((doc) => matches(filter, doc)),
      sorted.slice(i + 1),
    );
  });
});

Deno.test("mongodb query: a bulk write is retried only for duplicate keys", () => {
  const ops = ["a", "b", "c", "d"];
  assert.deepEqual(
    duplicateKeyRetries(
      [{ code: 11000, index: 3 }, { code: 11000, index: 1 }],
      ops,
    ),
    ["d", "b"],
  );
  // Network and write concern errors come without write errors: thrown.
  assert.equal(duplicateKeyRetries([], ops), null);
  assert.equal(
    duplicateKeyRetries(
      [{ code: 11000, index: 0 }, { code: 121, index: 2 }],
      ops,
    ),
    null,
  );
  assert.equal(duplicateKeyRetries([{ index: 0 }], ops), null);
});
