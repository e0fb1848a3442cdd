/**
 * Benchmark of the whole build: reads, analyses and writes the armory,
 * security_content and Sigma corpora, and prints rules per second and the
 * peak resident memory of the process. A measurement, not a test: it
 * asserts nothing about speed.
 *
 * Usage: npm run bench:build [-- CORPUS_DIR]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog, type BuildProgress } from "../src/catalog/build.ts";
import { registerAll } from "../src/setup.ts";
import { corpusRoot } from "./corpus-location.ts";

const corpus = corpusRoot();
const inputs = ["anvilogic-armory", "splunk-security-content", "sigma"].map(
  (name) => join(corpus, name),
);

registerAll();
const runs = 3;
const phaseTimes: Record<BuildProgress["phase"], number[]> = {
  read: [],
  analyse: [],
  write: [],
};
let rules = 0;
const totals: number[] = [];
for (let run = 0; run < runs; run++) {
  const outDir = join(mkdtempSync(join(tmpdir(), "ruleatlas-bench-")), "atlas");
  const started: Partial<Record<BuildProgress["phase"], number>> = {};
  const ended: Partial<Record<BuildProgress["phase"], number>> = {};
  const begin = performance.now();
  const summary = buildCatalog({
    inputs,
    outDir,
    onProgress: (progress) => {
      started[progress.phase] ??= performance.now();
      ended[progress.phase] = performance.now();
    },
  });
  totals.push(performance.now() - begin);
  for (const phase of ["read", "analyse", "write"] as const) {
    phaseTimes[phase].push((ended[phase] ?? 0) - (started[phase] ?? 0));
  }
  rules = summary.rulesRead;
  rmSync(outDir, { recursive: true, force: true });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = median(totals) / 1000;
console.log(
  `machine: ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, Node ${process.version}`,
);
console.log(`corpus: ${corpus}`);
console.log(
  `rules: ${rules}, runs: ${runs}, median build: ${seconds.toFixed(2)} s`,
);
console.log(`throughput: ${Math.round(rules / seconds)} rules/s`);
for (const phase of ["read", "analyse", "write"] as const) {
  console.log(
    `  ${phase}: ${(median(phaseTimes[phase]) / 1000).toFixed(2)} s (median)`,
  );
}
console.log(
  `peak resident memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
);
