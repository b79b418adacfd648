/**
 * Maps the files in web/routes/ to URLs, Fresh style: `index.tsx` is the
 * folder, `[id].tsx` is a parameter, `_*.tsx` are not routes. File names
 * are snake_case, URLs kebab-case (`for_you.tsx` → `/for-you`). The list is
 * explicit (no file-system scan at start, and bundlers see every import);
 * a test checks that it matches the folder.
 */
import type { Hono } from "hono";
import type { RouteHandlers, WebEnv } from "./define.ts";
import { handler as home } from "./routes/index.tsx";
import { handler as browse } from "./routes/movies/index.tsx";
import { handler as movie } from "./routes/movies/[id].tsx";
import { handler as forYou } from "./routes/for_you.tsx";
import { handler as myRatings } from "./routes/my_ratings.tsx";
import { handler as onboarding } from "./routes/onboarding.tsx";
import { handler as watchlist } from "./routes/watchlist.tsx";
import { handler as login } from "./routes/login.tsx";
import { handler as signup } from "./routes/signup.tsx";
import { handler as logout } from "./routes/logout.tsx";
import { handler as rate } from "./routes/rate.ts";
import { handler as suggest } from "./routes/suggest.ts";
import { handler as search } from "./routes/search.tsx";

/** One route file and its handlers. */
export interface RouteFile {
  /** Path inside web/routes/. */
  file: string;
  handlers: RouteHandlers;
}

/** Every route file. */
export const ROUTE_FILES: RouteFile[] = [
  { file: "index.tsx", handlers: home },
  { file: "movies/index.tsx", handlers: browse },
  { file: "movies/[id].tsx", handlers: movie },
  { file: "for_you.tsx", handlers: forYou },
  { file: "my_ratings.tsx", handlers: myRatings },
  { file: "onboarding.tsx", handlers: onboarding },
  { file: "watchlist.tsx", handlers: watchlist },
  { file: "login.tsx", handlers: login },
  { file: "signup.tsx", handlers: signup },
  { file: "logout.tsx", handlers: logout },
  { file: "rate.ts", handlers: rate },
  { file: "suggest.ts", handlers: suggest },
  { file: "search.tsx", handlers: search },
];

/**
 * The URL pattern of a route file.
 *
 * @example
 * routePath("movies/[id].tsx"); // "/movies/:id"
 * routePath("for_you.tsx"); // "/for-you"
 */
export function routePath(file: string): string {
  const segments = file.replace(/\.tsx?$/, "").split("/")
    .filter((s) => s !== "index")
    .map((s) => s.replace(/^\[(\w+)\]$/, ":$1").replaceAll("_", "-"));
  return `/${segments.join("/")}`;
}

/** Registers every route file's handlers on the app. */
export function registerRoutes(app: Hono<WebEnv>, files = ROUTE_FILES): void {
  for (const { file, handlers } of files) {
    const path = routePath(file);
    if (handlers.GET) app.get(path, handlers.GET);
    if (handlers.POST) app.post(path, handlers.POST);
  }
}
