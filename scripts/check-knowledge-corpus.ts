/**
 * Checks the knowledge data against the rule corpora. Every ATT&CK technique
 * and tactic a rule declares must resolve, and so must every security_content
 * data source name. Every event id that a Sigma rule for a Windows service
 * matches should have a titled event. Reports every failure, each starting
 * with the rule id and title. Exits 1 on ATT&CK and data source failures;
 * events without a title are reported as gaps only, because the reference
 * sources have no title for some of them (legacy Security 5xx and 6xx ids,
 * several System providers).
 *
 * Usage: tsx scripts/check-knowledge-corpus.ts [CORPUS_FOLDER]
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { resolveTactic, resolveTechnique } from "../src/knowledge/attack.ts";
import { resolveDataSource } from "../src/knowledge/data-sources.ts";
import { findEvent } from "../src/knowledge/events.ts";
import { corpusRoot } from "./corpus-location.ts";

/** Sigma Windows services whose EventID values name events of one provider. */
const SIGMA_SERVICE_PROVIDERS: Record<string, string> = {
  security: "Security",
  system: "System",
  sysmon: "Sysmon",
  powershell: "PowerShell",
  "powershell-classic": "Windows PowerShell",
};

interface Failure {
  rule: string;
  problem: string;
  /** True for a gap in the reference data rather than a wrong mapping. */
  gap?: boolean;
}

function yamlFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(folder).sort()) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) files.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry)) files.push(path);
  }
  return files;
}

function readDocuments(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((document) => document.toJS() as unknown)
    .filter(
      (value): value is Record<string, unknown> =>
        typeof value === "object" && value !== null && !Array.isArray(value),
    );
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "string" || typeof value === "number") {
    return [String(value)];
  }
  return [];
}

function ruleLabel(document: Record<string, unknown>, file: string): string {
  const id = String(document.id ?? "?");
  const title = String(document.title ?? document.name ?? "");
  return `${id} "${title}" (${file})`;
}

function checkTechnique(rule: string, id: string, failures: Failure[]): void {
  const technique = resolveTechnique(id);
  if (technique.status === "unknown") {
    failures.push({ rule, problem: `unknown ATT&CK technique ${id}` });
  }
}

function checkSecurityContent(root: string, failures: Failure[]): number {
  const files = yamlFiles(join(root, "detections"));
  for (const file of files) {
    for (const document of readDocuments(file)) {
      const rule = ruleLabel(document, relative(root, file));
      const tags = (document.tags ?? {}) as Record<string, unknown>;
      for (const id of strings(tags.mitre_attack_id)) {
        checkTechnique(rule, id, failures);
      }
      for (const name of strings(document.data_source)) {
        if (resolveDataSource(name).length === 0) {
          failures.push({ rule, problem: `data source "${name}" is empty` });
        }
      }
    }
  }
  return files.length;
}

function checkArmory(root: string, failures: Failure[]): number {
  const files = yamlFiles(join(root, "detections"));
  for (const file of files) {
    for (const document of readDocuments(file)) {
      const rule = ruleLabel(document, relative(root, file));
      for (const id of strings(document.technique_id)) {
        checkTechnique(rule, id, failures);
      }
    }
  }
  return files.length;
}

/** EventID values anywhere in a Sigma detection map, with modifiers ignored. */
function sigmaEventIds(value: unknown, ids: Set<number>): void {
  if (Array.isArray(value)) {
    for (const item of value) sigmaEventIds(item, ids);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.split("|")[0] === "EventID") {
      for (const id of strings(item)) {
        if (/^\d+$/.test(id)) ids.add(Number(id));
      }
    } else {
      sigmaEventIds(item, ids);
    }
  }
}

function checkSigma(root: string, failures: Failure[]): number {
  const files = yamlFiles(root);
  for (const file of files) {
    for (const document of readDocuments(file)) {
      const rule = ruleLabel(document, relative(root, file));
      for (const tag of strings(document.tags)) {
        const name = tag.toLowerCase();
        if (!name.startsWith("attack.")) continue;
        const value = name.slice("attack.".length);
        if (/^t\d{4}(\.\d{3})?$/.test(value)) {
          checkTechnique(rule, value, failures);
        } else if (!/^(g|s|c|ds|m)\d{4}$/.test(value) && !resolveTactic(tag)) {
          failures.push({ rule, problem: `unknown ATT&CK tactic tag ${tag}` });
        }
      }

      const logsource = (document.logsource ?? {}) as Record<string, unknown>;
      const provider =
        logsource.product === "windows"
          ? SIGMA_SERVICE_PROVIDERS[String(logsource.service ?? "")]
          : undefined;
      if (!provider || logsource.category) continue;
      const ids = new Set<number>();
      sigmaEventIds(document.detection, ids);
      for (const id of ids) {
        if (!findEvent(provider, id)) {
          failures.push({
            rule,
            problem: `no title for ${provider} ${id}`,
            gap: true,
          });
        }
      }
    }
  }
  return files.length;
}

function main(): void {
  const corpus = corpusRoot();
  if (!existsSync(corpus)) {
    console.error(
      `corpus folder not found: ${corpus}; pass its path as the first argument`,
    );
    process.exit(1);
  }

  const failures: Failure[] = [];
  const counts = {
    "splunk-security-content": checkSecurityContent(
      join(corpus, "splunk-security-content"),
      failures,
    ),
    "anvilogic-armory": checkArmory(join(corpus, "anvilogic-armory"), failures),
    sigma: checkSigma(join(corpus, "sigma"), failures),
  };

  for (const failure of failures) {
    console.log(`${failure.rule}: ${failure.problem}`);
  }
  const read = Object.entries(counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
  const gaps = failures.filter((failure) => failure.gap).length;
  const errors = failures.length - gaps;
  console.log(
    `files read: ${read}; failures: ${errors}; events without a title: ${gaps}`,
  );
  process.exitCode = errors > 0 ? 1 : 0;
}

main();
