/**
 * `.dockerignore` semantics, so the context hash covers exactly the files `docker build` sends.
 *
 * Rules (as documented for the Docker CLI): one pattern a line, `#` lines are comments, paths are
 * relative to the context root (a leading `/` is dropped), `*` and `?` never cross a `/`, `**`
 * spans any number of directories, `[...]` is a character class, `\` escapes. A pattern that
 * matches a directory excludes everything under it. `!pattern` re-includes; the last matching
 * line wins.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

export interface IgnoreRule {
  /** The line as written (for messages). */
  source: string;
  negate: boolean;
  regex: RegExp;
}

/** Translates one cleaned pattern into an anchored regular expression over `/`-separated paths. */
function patternToRegex(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        // `**/` also matches zero directories; a trailing `**` matches everything below.
        if (pattern[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else {
          out += ".*";
        }
      } else {
        out += "[^/]*";
      }
    } else if (ch === "?") {
      out += "[^/]";
    } else if (ch === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close === -1) throw new Error(`unterminated character class in .dockerignore pattern ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, close);
      if (body.startsWith("^") || body.startsWith("!")) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = close;
    } else if (ch === "\\" && i + 1 < pattern.length) {
      i++;
      out += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`${out}$`);
}

/** Parses the text of a `.dockerignore` file. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1).trim();
    // Docker cleans the pattern like a path: no leading "/", no "./", no trailing "/".
    let cleaned = posix.normalize(line).replace(/^\/+/, "").replace(/\/+$/, "");
    if (cleaned === "." || cleaned === "") continue;
    if (cleaned.startsWith("./")) cleaned = cleaned.slice(2);
    rules.push({ source: raw.trim(), negate, regex: patternToRegex(cleaned) });
  }
  return rules;
}

/** Reads `<dir>/.dockerignore`; no file means nothing is ignored. */
export function readDockerignore(dir: string): IgnoreRule[] {
  const file = join(dir, ".dockerignore");
  return existsSync(file) ? parseDockerignore(readFileSync(file, "utf8")) : [];
}

/**
 * Whether a context-relative path (`a/b/c`, no leading slash) is excluded. A rule matches a path
 * when it matches the path itself or one of its parent directories.
 */
export function isIgnored(rules: readonly IgnoreRule[], relPath: string): boolean {
  const parts = relPath.split("/");
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negate;
  }
  return ignored;
}

/** Whether any rule re-includes paths; if none does, an excluded directory can be skipped whole. */
export function hasExceptions(rules: readonly IgnoreRule[]): boolean {
  return rules.some((r) => r.negate);
}
