import { realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";

const CONTENT_TYPES = new Map([
  [".html", "text/html; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".js", "text/javascript; charset=utf-8"],
  [".json", "application/json; charset=utf-8"],
  [".txt", "text/plain; charset=utf-8"],
  [".svg", "image/svg+xml"],
  [".png", "image/png"],
  [".ico", "image/x-icon"],
]);

/** Content type for a file name, by extension; unknown ones download as bytes. */
export function contentType(file: string): string {
  return (
    CONTENT_TYPES.get(path.extname(file).toLowerCase()) ??
    "application/octet-stream"
  );
}

export type StaticLookup =
  | { type: "file"; file: string; stats: Stats }
  | { type: "redirect"; location: string }
  | { type: "invalid"; reason: string }
  | { type: "not-found" };

/**
 * Maps a request path (without query) to a file under `root`. The path is
 * percent-decoded once, and `..` or `.` segments, backslashes and NUL make
 * it invalid. A symbolic link is found only when its target is inside
 * `root` as well. A directory redirects to its path with a slash, so that
 * relative links in its index page resolve, and `/dir/` serves
 * `dir/index.html`.
 */
export function lookupStatic(root: string, requestPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return {
      type: "invalid",
      reason: "the path is not valid percent-encoding",
    };
  }
  if (!decoded.startsWith("/")) {
    return { type: "invalid", reason: "the path does not start with /" };
  }
  if (decoded.includes("\0") || decoded.includes("\\")) {
    return { type: "invalid", reason: "the path contains NUL or a backslash" };
  }
  const segments = decoded.split("/").slice(1);
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return { type: "invalid", reason: "the path contains . or .. segments" };
  }

  const realRoot = realpathSync(root);
  let file = path.join(realRoot, ...segments);
  if (decoded.endsWith("/")) file = path.join(file, "index.html");

  let realFile: string;
  let stats: Stats;
  try {
    realFile = realpathSync(file);
    stats = statSync(realFile);
  } catch {
    return { type: "not-found" };
  }
  if (!isInside(realRoot, realFile)) return { type: "not-found" };
  if (stats.isDirectory()) {
    // Rebuilt from the segments: the raw path `//host` would otherwise
    // redirect to another site.
    const parts = segments.filter((segment) => segment !== "");
    return {
      type: "redirect",
      location: `/${parts.map(encodeURIComponent).join("/")}/`,
    };
  }
  if (!stats.isFile()) return { type: "not-found" };
  return { type: "file", file: realFile, stats };
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return (
    relative !== "" &&
    !relative.startsWith(`..${path.sep}`) &&
    relative !== ".." &&
    !path.isAbsolute(relative)
  );
}
