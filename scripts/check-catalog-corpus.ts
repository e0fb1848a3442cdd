/**
 * Corpus check for the catalog: builds the armory, security_content and
 * Sigma corpora into a temporary folder and checks rule pages whose right
 * content is known. Reports every failed check together and exits non-zero
 * when any fails.
 *
 * Usage: npm run corpus:catalog [-- CORPUS_DIR]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog } from "../src/catalog/build.ts";
import type { CatalogEntry } from "../src/catalog/entry.ts";
import { openCatalog } from "../src/catalog/store.ts";
import { registerAll } from "../src/setup.ts";
import { corpusRoot } from "./corpus-location.ts";

const corpus = corpusRoot();
const inputs = ["anvilogic-armory", "splunk-security-content", "sigma"].map(
  (name) => join(corpus, name),
);

const failures: string[] = [];
let passed = 0;

function check(page: string, what: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failures.push(`${page}: ${what}${detail ? ` (${detail})` : ""}`);
}

function main(): void {
  for (const input of inputs) {
    if (!existsSync(input)) {
      console.error(`corpus folder not found: ${input}`);
      process.exit(2);
    }
  }
  registerAll();
  const outDir = join(
    mkdtempSync(join(tmpdir(), "ruleatlas-corpus-")),
    "atlas",
  );
  const started = Date.now();
  const summary = buildCatalog({ inputs, outDir });
  console.log(
    `built ${summary.rulesRead} rules (${summary.rulesWithErrors} with errors) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const repository of summary.repositories) {
    console.log(
      `  ${repository.kind} ${repository.path}: ${repository.rules} rules, ${repository.skipped} skipped`,
    );
  }
  const catalog = openCatalog(join(outDir, "catalog.db"));
  try {
    const read = (slug: string): CatalogEntry | undefined => {
      const entry = catalog.getRule(slug);
      check(slug, "page exists in the catalog", entry !== undefined);
      check(
        slug,
        "HTML page written",
        existsSync(join(outDir, "site", "rules", `${slug}.html`)),
      );
      return entry;
    };
    checkMasscan(read("masscan_execution-windows-splunk-powershell"), outDir);
    checkNetworkDiscovery(
      read("detect_processes_used_for_system_network_configuration_discovery"),
    );
    checkDnsLength(read("dns_query_length_with_high_standard_deviation"));
    checkSigmaDownload(read("proc_creation_win_certutil_download"));
    checkSigmaFilter(
      read("proc_creation_win_addinutil_uncommon_child_process"),
    );
    checkCounts(summary.repositories);
  } finally {
    catalog.close();
    rmSync(outDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  for (const failure of failures) console.log(`FAIL ${failure}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

function checkCounts(
  repositories: Array<{ kind: string; rules: number }>,
): void {
  const rules = (kind: string) =>
    repositories.find((repository) => repository.kind === kind)?.rules ?? 0;
  // The armory has 1,511 files and security_content 1,711 detections; one
  // armory file and two detections are invalid YAML upstream.
  check(
    "catalog",
    "every readable armory rule read",
    rules("armory") >= 1510,
    String(rules("armory")),
  );
  check(
    "catalog",
    "every readable security_content detection read",
    rules("splunk") >= 1709,
    String(rules("splunk")),
  );
  check(
    "catalog",
    "Sigma rules read",
    rules("sigma") >= 3900,
    String(rules("sigma")),
  );
}

function checkMasscan(entry: CatalogEntry | undefined, outDir: string): void {
  if (!entry) return;
  const page = "masscan PowerShell";
  const technique = entry.techniques.find((t) => t.id === "T1046");
  check(
    page,
    "T1046 Network Service Discovery",
    technique?.name === "Network Service Discovery",
  );
  check(
    page,
    "T1046 under Discovery",
    technique?.tactics.includes("Discovery") === true,
  );
  for (const id of [4103, 4104]) {
    const event = entry.events.find(
      (e) => e.provider === "PowerShell" && e.eventId === id,
    );
    check(page, `PowerShell ${id} coverage`, event !== undefined);
    check(
      page,
      `PowerShell ${id} has a proper title`,
      event !== undefined &&
        !/UserData|ContextInfo|MessageNumber/.test(event.title),
      event?.title,
    );
  }
  const commands = entry.analysis.stages.map((s) => s.command);
  check(
    page,
    "four stages: search, table, bin, stats",
    commands.join(",") === "search,table,bin,stats",
    commands.join(","),
  );
  check(
    page,
    "stage text is complete",
    entry.analysis.stages[3]?.text.includes(
      "stats values(*) as * by _time, host",
    ) === true,
  );
  for (const value of ["4103", "4104"]) {
    const indicator = entry.indicators.find(
      (i) => i.field === "EventCode" && i.kind === "eq" && i.value === value,
    );
    check(
      page,
      `indicator EventCode eq ${value} with a corpus count`,
      indicator !== undefined && indicator.others >= 0,
    );
  }
  const terms = entry.analysis.searchTerms.map((t) => t.text);
  check(page, "no search term TERM", !terms.includes("TERM"), terms.join(" "));
  check(
    page,
    "search term masscan marked TERM",
    entry.analysis.searchTerms.some(
      (t) => t.text === "masscan" && t.directive === "TERM",
    ),
  );
  check(page, "search term masscan.exe", terms.includes("masscan.exe"));
  const html = readFileSync(
    join(
      outDir,
      "site",
      "rules",
      "masscan_execution-windows-splunk-powershell.html",
    ),
    "utf8",
  );
  check(
    page,
    "page shows the display title",
    html.includes("masscan Execution - Windows (PowerShell)"),
  );
  check(
    page,
    "page shows T1046",
    html.includes("T1046") && html.includes("Network Service Discovery"),
  );
}

function checkNetworkDiscovery(entry: CatalogEntry | undefined): void {
  if (!entry) return;
  const page = "system network configuration discovery";
  const { analysis } = entry;
  const technique = entry.techniques.find((t) => t.id === "T1016");
  check(
    page,
    "T1016 System Network Configuration Discovery",
    technique?.name === "System Network Configuration Discovery",
    technique?.name,
  );
  check(
    page,
    "T1016 under Discovery",
    technique?.tactics.includes("Discovery") === true,
  );
  check(
    page,
    "Sysmon 1 coverage",
    entry.events.some((e) => e.provider === "Sysmon" && e.eventId === 1),
  );
  check(
    page,
    "Security 4688 coverage",
    entry.events.some((e) => e.provider === "Security" && e.eventId === 4688),
  );
  check(page, "tstats stage", analysis.stages[0]?.command === "tstats");
  check(
    page,
    "data model Endpoint.Processes",
    analysis.references.some(
      (r) =>
        r.kind === "datamodel" &&
        r.name === "Endpoint" &&
        r.arguments?.includes("Processes"),
    ),
  );
  const macroStages = analysis.stages
    .filter((s) => s.macro)
    .map((s) => s.macro!.name);
  check(
    page,
    "two security_content_ctime macro stages",
    macroStages.filter((n) => n === "security_content_ctime").length === 2,
    macroStages.join(","),
  );
  check(
    page,
    "drop_dm_object_name macro stage",
    macroStages.includes("drop_dm_object_name"),
  );
  const names = analysis.predicates
    .filter(
      (p) =>
        p.macro === "system_network_configuration_discovery_tools" &&
        p.role === "indicator",
    )
    .flatMap((p) => p.values);
  check(
    page,
    "macro expanded into process names",
    names.includes("arp.exe") && names.includes("xcopy.exe"),
    names.slice(0, 5).join(","),
  );
  check(
    page,
    "transaction stage",
    analysis.stages.some((s) => s.command === "transaction"),
  );
  const exclusion = analysis.predicates.find(
    (p) => p.role === "exclusion" && p.field === "Processes.user",
  );
  check(page, "exclusion on Processes.user", exclusion !== undefined);
  check(
    page,
    "exclusion values empty string and unknown",
    JSON.stringify(exclusion?.values) === JSON.stringify(["", "unknown"]),
    JSON.stringify(exclusion?.values),
  );
  check(
    page,
    "eventcount>=5 is a threshold",
    analysis.thresholds.some(
      (t) => t.text.replace(/\s/g, "") === "eventcount>=5",
    ),
  );
  check(
    page,
    "eventcount is not an indicator",
    !analysis.predicates.some((p) => p.field === "eventcount"),
  );
  check(
    page,
    "filter macro is a tuning hook",
    analysis.references.some(
      (r) =>
        r.name ===
          "detect_processes_used_for_system_network_configuration_discovery_filter" &&
        r.status === "tuning-hook",
    ),
  );
}

function checkDnsLength(entry: CatalogEntry | undefined): void {
  if (!entry) return;
  const page = "dns query length";
  const technique = entry.techniques.find((t) => t.id === "T1048.003");
  check(
    page,
    "T1048.003 full name",
    technique?.name ===
      "Exfiltration Over Alternative Protocol: Exfiltration Over Unencrypted Non-C2 Protocol",
    technique?.name,
  );
  check(
    page,
    "T1048.003 under Exfiltration",
    technique?.tactics.includes("Exfiltration") === true,
  );
  check(
    page,
    "Sysmon 22 coverage",
    entry.events.some((e) => e.provider === "Sysmon" && e.eventId === 22),
  );
  check(
    page,
    "query_length>(avg+stdev*2) is a threshold",
    entry.analysis.thresholds.some(
      (t) => t.text.replace(/\s/g, "") === "query_length>(avg+stdev*2)",
    ),
  );
  check(
    page,
    "query_length is not an indicator",
    !entry.analysis.predicates.some((p) => p.field === "query_length"),
  );
}

function checkSigmaDownload(entry: CatalogEntry | undefined): void {
  if (!entry) return;
  const page = "Sigma certutil download";
  const names = entry.techniques.map(
    (t) => `${t.tactics.join("/")} ${t.id} ${t.name}`,
  );
  check(
    page,
    "T1027 under Stealth",
    names.includes("Stealth T1027 Obfuscated Files or Information"),
    names.join("; "),
  );
  check(
    page,
    "T1105 under Command and Control",
    names.includes("Command and Control T1105 Ingress Tool Transfer"),
  );
  check(
    page,
    "Sysmon 1 coverage",
    entry.events.some((e) => e.provider === "Sysmon" && e.eventId === 1),
  );
  // OriginalFileName exists in Sysmon 1 only, so Security 4688 cannot serve this rule.
  check(
    page,
    "no Security 4688 coverage",
    !entry.events.some((e) => e.provider === "Security" && e.eventId === 4688),
  );
  check(
    page,
    "one stage named as the condition",
    entry.analysis.stages.map((s) => s.command).join(",") ===
      "all of selection_*",
  );
  const image = entry.indicators.find(
    (i) => i.field === "Image" && i.kind === "ends_with",
  );
  check(
    page,
    "Image ends_with indicator",
    image?.value === "\\certutil.exe",
    image?.value,
  );
  check(
    page,
    "indicator counted across Sigma rules",
    (image?.bySource.sigma ?? 0) > 0,
    JSON.stringify(image?.bySource),
  );
  const logic = entry.analysis.logic;
  check(
    page,
    "selections ANDed, image alternatives ORed",
    logic.type === "and" && logic.children[0]?.type === "or",
  );
}

function checkSigmaFilter(entry: CatalogEntry | undefined): void {
  if (!entry) return;
  const page = "Sigma filter_main";
  const exclusions = entry.analysis.predicates.filter(
    (p) => p.role === "exclusion",
  );
  check(
    page,
    "filter values are exclusions",
    exclusions.length === 1 && exclusions[0]!.values.length === 3,
  );
  check(
    page,
    "exclusions are not indicators",
    !entry.indicators.some((i) => i.field === "Image"),
  );
  check(
    page,
    "two stages",
    entry.analysis.stages.map((s) => s.command).join(",") ===
      "selection,not 1 of filter_main_*",
  );
}

main();
