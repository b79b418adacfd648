/**
 * The Docker build context without Docker: `.dockerignore` read with
 * Docker's rules, and a copy of exactly the files it lets through.
 * @module
 */

/** The patterns of a `.dockerignore` text, comments and blanks dropped. */
export function dockerignorePatterns(text: string): string[] {
  return text.split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

function patternRegex(pattern: string): RegExp {
  return new RegExp(
    "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*\//g, "%GLOBSTAR%")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")
      .replace(/%GLOBSTAR%/g, "(?:.*/)?") +
      "(?:/.*)?$",
  );
}

/**
 * Whether `.dockerignore` keeps `path` (relative, `/`-separated) out of the
 * build context. Docker's rules: the last matching pattern wins, `!`
 * re-includes, a directory pattern covers everything below it, `**` spans
 * folders.
 *
 * @example
 * dockerIgnored([".env.*", "!.env.sample"], ".env.production"); // true
 */
export function dockerIgnored(patterns: string[], path: string): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith("!");
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/|\/$/g, "");
    if (patternRegex(pattern).test(path)) result = !negate;
  }
  return result;
}

/** True when some `!` pattern could re-include a path below `dir`. */
function mayReincludeBelow(patterns: string[], dir: string): boolean {
  return patterns.some((p) =>
    p.startsWith("!") &&
    (p.slice(1).startsWith(`${dir}/`) || p.slice(1).startsWith("**"))
  );
}

/**
 * Copies the files of `repo` that `.dockerignore` lets through into `to`
 * (created); returns their relative paths. Symbolic links are skipped, as
 * the context of this project has none that matter.
 */
export async function copyBuildContext(
  repo: string,
  to: string,
): Promise<string[]> {
  const patterns = dockerignorePatterns(
    await Deno.readTextFile(`${repo}/.dockerignore`),
  );
  const copied: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const source = relative ? `${repo}/${relative}` : repo;
    for await (const entry of Deno.readDir(source)) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        if (
          dockerIgnored(patterns, path) && !mayReincludeBelow(patterns, path)
        ) {
          continue;
        }
        await walk(path);
      } else if (entry.isFile && !dockerIgnored(patterns, path)) {
        const target = `${to}/${path}`;
        await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
          recursive: true,
        });
        await Deno.copyFile(`${repo}/${path}`, target);
        copied.push(path);
      }
    }
  };
  await Deno.mkdir(to, { recursive: true });
  await walk("");
  return copied.sort();
}
