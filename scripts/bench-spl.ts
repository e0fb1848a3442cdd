/**
 * Measures SPL analysis speed: queries per second over both public
 * corpora (parse and analysis, with security_content macros expanded), and
 * the time for synthetic queries of 1x, 2x and 4x a base length, which
 * should grow linearly. Prints the figures and the machine they ran on.
 *
 * Usage: tsx scripts/bench-spl.ts [CORPUS_DIR]
 */
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { MacroLibrary } from "../src/languages/registry.ts";
import { analyseSpl, loadMacroDirectory } from "../src/languages/spl/index.ts";
import { readCorpus, type CorpusQuery } from "./check-spl-corpus.ts";
import { corpusRoot } from "./corpus-location.ts";

const MIN_SECONDS = 2;

const corpusDir = corpusRoot;

/** Analyses the queries repeatedly for at least MIN_SECONDS; returns queries per second. */
function queriesPerSecond(
  queries: readonly CorpusQuery[],
  macros: MacroLibrary | undefined,
): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (const item of queries) analyseSpl(item.query, macros);
    count += queries.length;
    elapsed = performance.now() - start;
  }
  return count / (elapsed / 1000);
}

/** Builds a query of about `length` characters shaped like real detections. */
function syntheticQuery(length: number): string {
  const unit =
    '(process_name="cmd.exe" OR process_name IN ("a.exe", "b.exe")) NOT user=*svc* TERM(EventCode=4688) "<EventID>4688<" ';
  const body = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const cut = body.lastIndexOf(" ");
  return `index=main ${body.slice(0, cut)} | stats count by host | where count > 5`;
}

/**
 * Returns the fastest of `runs` analyses of the query. The minimum is the
 * figure least disturbed by garbage collection, which grows with the heap.
 */
function fastestMilliseconds(query: string, runs: number): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    analyseSpl(query);
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function main(): number {
  const corpus = corpusDir();
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const memory = (totalmem() / 1024 ** 3).toFixed(0);
  console.log(
    `machine: ${cpu}, ${cpus().length} logical CPUs, ${memory} GiB RAM, Node ${process.version}, ${process.platform}`,
  );

  if (existsSync(corpus)) {
    const macroDir = join(corpus, "splunk-security-content", "macros");
    const macros = existsSync(macroDir)
      ? loadMacroDirectory(macroDir).value
      : undefined;
    const { queries } = readCorpus(corpus);
    const splunk = queries.filter((q) => q.path.startsWith("splunk"));
    const armory = queries.filter((q) => q.path.startsWith("anvilogic"));
    for (const item of queries) analyseSpl(item.query, macros);
    const groups = [
      { name: "security_content (macros expanded)", items: splunk, macros },
      { name: "armory", items: armory, macros: undefined },
    ];
    for (const group of groups) {
      const rate = queriesPerSecond(group.items, group.macros);
      const chars = group.items.reduce((sum, q) => sum + q.query.length, 0);
      console.log(
        `${group.name}: ${group.items.length} queries, ${(chars / group.items.length).toFixed(0)} characters on average, ${rate.toFixed(0)} queries/s`,
      );
    }
  } else {
    console.log(`corpus not found at ${corpus}; skipping the corpus figures`);
  }

  const base = 50_000;
  const timings: number[] = [];
  for (const factor of [1, 2, 4]) {
    const query = syntheticQuery(base * factor);
    fastestMilliseconds(query, 2);
    const ms = fastestMilliseconds(query, 9);
    timings.push(ms);
    console.log(
      `linearity: ${query.length} characters in ${ms.toFixed(1)} ms (fastest of 9)`,
    );
  }
  console.log(
    `linearity: 2x/1x = ${(timings[1] / timings[0]).toFixed(2)}, 4x/1x = ${(timings[2] / timings[0]).toFixed(2)} (linear is 2 and 4)`,
  );
  return 0;
}

process.exitCode = main();
