/**
 * Parses and analyses every SPL query in the public corpora: each `search:`
 * of Splunk security_content detections (with the repository's macros) and
 * each Anvilogic armory rule with `logic_format: Splunk`. Prints every
 * failure, then `N passed, N failed`, and exits non-zero when a failure is
 * not listed in test/known-failures/spl.tsv.
 *
 * Usage: tsx scripts/check-spl-corpus.ts [CORPUS_DIR]
 * The corpus folder comes from the argument, else RULEATLAS_CORPUS, else
 * ../shared/corpus relative to the project root.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { formatDiagnostic } from "../src/core/diagnostic.ts";
import { analyseSpl, loadMacroDirectory } from "../src/languages/spl/index.ts";
import type { MacroLibrary } from "../src/languages/registry.ts";
import { corpusRoot } from "./corpus-location.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface CorpusQuery {
  /** Path relative to the corpus folder. */
  path: string;
  id: string;
  title: string;
  query: string;
  /** 1-based line of the query key in the file, for messages. */
  line: number;
}

const corpusDir = corpusRoot;

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (name.endsWith(".yml") || name.endsWith(".yaml")) yield path;
  }
}

function keyLine(text: string, key: string): number {
  const lines = text.split("\n");
  const index = lines.findIndex((line) => line.startsWith(`${key}:`));
  return index + 1;
}

/** Reads the SPL queries of both corpora; unreadable files are reported. */
export function readCorpus(corpus: string): {
  queries: CorpusQuery[];
  unreadable: string[];
} {
  const queries: CorpusQuery[] = [];
  const unreadable: string[] = [];
  const sources = [
    { dir: "splunk-security-content/detections", key: "search" },
    { dir: "anvilogic-armory/detections", key: "logic" },
  ];
  for (const source of sources) {
    const dir = join(corpus, source.dir);
    if (!existsSync(dir)) continue;
    for (const file of yamlFiles(dir)) {
      const path = relative(corpus, file);
      const text = readFileSync(file, "utf8");
      let document: Record<string, unknown>;
      try {
        document = (parseYaml(text) ?? {}) as Record<string, unknown>;
      } catch (error) {
        unreadable.push(`${path}: ${(error as Error).message.split("\n")[0]}`);
        continue;
      }
      if (source.key === "logic" && document.logic_format !== "Splunk") {
        continue;
      }
      const query = document[source.key];
      if (typeof query !== "string") continue;
      queries.push({
        path,
        id: String(document.id ?? ""),
        title: String(document.name ?? document.title ?? ""),
        query,
        line: keyLine(text, source.key),
      });
    }
  }
  return { queries, unreadable };
}

/** Known failures by path, with the diagnostic code each is expected to raise. */
function readKnownFailures(): Map<string, string> {
  const file = join(root, "test", "known-failures", "spl.tsv");
  const known = new Map<string, string>();
  if (!existsSync(file)) return known;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [path, code] = line.split("\t");
    known.set(path, code);
  }
  return known;
}

function main(): number {
  const corpus = corpusDir();
  if (!existsSync(corpus)) {
    console.error(`check-spl-corpus: corpus folder not found: ${corpus}`);
    return 2;
  }
  const macroDir = join(corpus, "splunk-security-content", "macros");
  let macros: MacroLibrary | undefined;
  if (existsSync(macroDir)) {
    const loaded = loadMacroDirectory(macroDir);
    macros = loaded.value;
    for (const diagnostic of loaded.diagnostics) {
      console.error(formatDiagnostic(diagnostic));
    }
  }

  const { queries, unreadable } = readCorpus(corpus);
  const known = readKnownFailures();
  let passed = 0;
  let failed = 0;
  let unexpected = 0;
  const seenKnown = new Set<string>();
  for (const item of queries) {
    const result = analyseSpl(
      item.query,
      item.path.startsWith("splunk") ? macros : undefined,
    );
    const error = result.diagnostics.find((d) => d.severity === "error");
    if (!error) {
      passed++;
      if (known.has(item.path)) {
        console.log(`now passes, remove from known failures: ${item.path}`);
      }
      continue;
    }
    failed++;
    const expected = known.get(item.path);
    const listed = expected === error.code;
    if (listed) seenKnown.add(item.path);
    else unexpected++;
    const mark = listed ? "known" : "FAIL";
    console.log(
      `${mark} rule ${item.id} "${item.title}" ${item.path}: ` +
        formatDiagnostic({ ...error, file: undefined }) +
        ` (query starts on line ${item.line} of the file)`,
    );
  }
  for (const line of unreadable) {
    console.log(`skipped, invalid YAML: ${line}`);
  }
  const total = passed + failed;
  const share = total === 0 ? 0 : (known.size / total) * 100;
  console.log(
    `known failures listed: ${known.size} (${share.toFixed(2)}% of ${total})`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  if (share >= 0.5) {
    console.error("check-spl-corpus: known failures reach 0.5% of the rules");
    return 1;
  }
  return unexpected > 0 ? 1 : 0;
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = main();
}
