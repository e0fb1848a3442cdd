import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder, for scripts that read files relative to it. */
export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * Returns the public rule corpus folder for corpus checks and benchmarks:
 * the script's first argument, else RULEATLAS_CORPUS, else ../shared/corpus
 * beside the project.
 */
export function corpusRoot(): string {
  const given = process.argv[2] ?? process.env.RULEATLAS_CORPUS;
  return resolve(given ?? join(projectRoot, "..", "shared", "corpus"));
}
