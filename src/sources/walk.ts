import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Diagnostic } from "../core/diagnostic.ts";

/**
 * Lists files under `root` whose names end with one of `extensions`, in a
 * stable order. Symbolic links are followed only when their target lies
 * inside `root`, because rule repositories are untrusted input.
 */
export function listFiles(
  root: string,
  extensions: readonly string[],
  diagnostics: Diagnostic[] = [],
): string[] {
  const realRoot = realpathSync(root);
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (error) {
      diagnostics.push(
        fileProblem(
          folder,
          "read-failed",
          `Cannot read folder: ${(error as Error).message}`,
        ),
      );
      continue;
    }
    const subfolders: string[] = [];
    for (const name of names) {
      if (name.startsWith(".")) continue;
      const path = join(folder, name);
      const kind = entryKind(path, realRoot, diagnostics);
      if (kind === "folder") subfolders.push(path);
      else if (
        kind === "file" &&
        extensions.some((extension) => name.endsWith(extension))
      ) {
        files.push(path);
      }
    }
    pending.push(...subfolders.reverse());
  }
  return files;
}

function entryKind(
  path: string,
  realRoot: string,
  diagnostics: Diagnostic[],
): "file" | "folder" | "other" {
  const link = lstatSync(path);
  if (!link.isSymbolicLink()) {
    if (link.isDirectory()) return "folder";
    return link.isFile() ? "file" : "other";
  }
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    diagnostics.push(
      fileProblem(
        path,
        "broken-link",
        "Symbolic link points nowhere; skipped.",
      ),
    );
    return "other";
  }
  const inside = target === realRoot || target.startsWith(realRoot + sep);
  if (!inside) {
    diagnostics.push(
      fileProblem(
        path,
        "link-outside-root",
        `Symbolic link leads outside the repository (${relative(realRoot, target)}); skipped.`,
      ),
    );
    return "other";
  }
  const stat = statSync(target);
  // A link to a folder inside the root would be walked twice; the real folder
  // is walked anyway.
  if (stat.isDirectory()) return "other";
  return stat.isFile() ? "file" : "other";
}

function fileProblem(file: string, code: string, message: string): Diagnostic {
  return { severity: "warning", code, message, file };
}
