import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, so generators run the same from any working directory. */
export const repositoryRoot = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
);

/**
 * Returns the folder that holds the reference data sets: the first command
 * line argument, else RULEATLAS_REFERENCE, else `../shared/reference` beside
 * the repository. Exits with a message when the folder does not exist.
 */
export function referenceFolder(): string {
  const folder = resolve(
    process.argv[2] ??
      process.env.RULEATLAS_REFERENCE ??
      resolve(repositoryRoot, "../shared/reference"),
  );
  if (!existsSync(folder)) {
    console.error(
      `reference folder not found: ${folder}; pass its path as the first argument`,
    );
    process.exit(1);
  }
  return folder;
}

/** Writes `value` as indented JSON under the repository root. */
export function writeJson(relativePath: string, value: unknown): void {
  const path = resolve(repositoryRoot, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 1) + "\n");
  console.log(`wrote ${relativePath}`);
}

/** Today's date as YYYY-MM-DD, recorded as each data file's generation date. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
