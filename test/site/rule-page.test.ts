import { test } from "node:test";
import assert from "node:assert/strict";
import { renderRulePage } from "../../src/site/rule-page.ts";
import type { SiteInfo } from "../../src/site/layout.ts";
import { loadEntry } from "../fixtures/catalog/load.ts";
import {
  RULE_SECTION_IDS,
  sectionOf,
  squash,
  stripTags,
  tableRows,
} from "./sections.ts";
import { excludedWhen } from "../../src/site/analysis-sections.ts";
import type { Predicate } from "../../src/analysis/model.ts";

const INFO: SiteInfo = {
  title: "RuleAtlas test catalog",
  builtAt: "2026-01-02T03:04:05.000Z",
  attackVersion: "19.0",
};

const scanner = renderRulePage(loadEntry("armory-port-scanner"), INFO);
const empty = renderRulePage(loadEntry("splunk-empty"), INFO);
const hostile = renderRulePage(loadEntry("hostile"), INFO);

test("rule page has every section in order", () => {
  let previous = scanner.indexOf('<h1 id="title">');
  assert.ok(scanner.indexOf('<nav id="breadcrumb"') < previous);
  for (const id of RULE_SECTION_IDS) {
    const position = scanner.indexOf(`<section id="${id}">`);
    assert.ok(position > previous, `#${id} comes after the previous section`);
    assert.match(sectionOf(scanner, id), /<h2>[^<]+<\/h2>/, `#${id} heading`);
    previous = position;
  }
});

test("rule page breadcrumb names the source", () => {
  assert.match(
    squash(scanner),
    /<nav id="breadcrumb"[^>]*><a href="..\/index.html">Catalog<\/a> ?› ?<a href="..\/index.html\?source=armory#source-armory">Anvilogic armory<\/a><\/nav>/,
  );
});

test("rule page title is the display title", () => {
  assert.ok(
    scanner.includes(
      '<h1 id="title">Port Scanner Execution - Windows (PowerShell)</h1>',
    ),
  );
  assert.ok(
    scanner.includes(
      "<title>Port Scanner Execution - Windows (PowerShell) · RuleAtlas test catalog</title>",
    ),
  );
});

test("rule page description keeps paragraphs", () => {
  const section = sectionOf(scanner, "description");
  assert.equal(section.split("<p>").length - 1, 2);
});

test("rule page metadata lists rule fields", () => {
  const text = stripTags(sectionOf(scanner, "metadata"));
  for (const expected of [
    "Repository example-armory",
    "Path rules/port_scanner_execution_powershell.yml",
    "Id 90001.00001",
    "Status production",
    "Severity medium",
    "Type TTP",
    "Author RuleAtlas fixtures",
    "Date 2025-01-15",
    "Language spl",
    "Modified not given",
  ]) {
    assert.ok(text.includes(expected), expected);
  }
});

test("rule page ATT&CK table names techniques", () => {
  const rows = tableRows(sectionOf(scanner, "attack"));
  assert.deepEqual(rows[0], ["Discovery", "T1046 Network Service Discovery"]);
  assert.equal(rows[1][0], "Execution");
  assert.match(
    rows[1][1],
    /^T1059\.001 Command and Scripting Interpreter: PowerShell/,
  );
  assert.match(rows[1][1], /revoked/);
  assert.match(
    rows[1][1],
    /the rule declares T1086, which ATT&CK replaced with this technique/,
  );
});

test("rule page links http references only", () => {
  const section = sectionOf(scanner, "references");
  assert.ok(section.includes('<a href="http://example.com/notes"'));
  assert.ok(
    section.includes(
      '<a href="https://example.org/port-scanners?tool=a&amp;b=%22c%22"',
    ),
  );
  assert.ok(
    section.includes(
      '<span class="not-link">javascript:alert(document.cookie)</span>',
    ),
  );
  assert.ok(!section.includes('href="javascript'));
});

test("rule page event table has titles", () => {
  const rows = tableRows(sectionOf(scanner, "events"));
  assert.deepEqual(rows, [
    ["PowerShell", "Event ID 4103", "Module logging", "XML EventID term"],
    [
      "PowerShell",
      "Event ID 4104",
      "Script block logging",
      "EventCode predicate",
    ],
  ]);
});

test("rule page shows the whole rule body", () => {
  const section = sectionOf(scanner, "body");
  assert.ok(section.includes("<h2>Rule body (yaml)</h2>"));
  assert.ok(
    stripTags(section).includes(
      "logic: '`powershell_events` ... | where count > 10'",
    ),
  );
});

test("rule page stages keep full text", () => {
  const rows = tableRows(sectionOf(scanner, "stages"));
  assert.equal(rows.length, 5);
  assert.equal(
    rows[0][2],
    '`powershell_events` (TERM(EventCode=4104) OR "<EventID>4103<") portscan NOT user="svc_scan" DestinationPort IN (8080, 443, 80)',
  );
  assert.deepEqual(rows[2], ["3", "where", "| where count > 10"]);
});

test("rule page numbers stages from 1", () => {
  const rows = tableRows(sectionOf(scanner, "stages"));
  assert.deepEqual(
    rows.map((row) => row[0]),
    ["1", "2", "3", "4", "5"],
  );
  const thresholds = tableRows(sectionOf(scanner, "thresholds"));
  assert.equal(thresholds[0][0], "3", "threshold in the where stage");
});

test("rule page shows stage grouping", () => {
  const rows = tableRows(sectionOf(scanner, "stages"));
  assert.equal(rows[1][2], "| stats count by host grouped by host");
});

test("rule page names macro stages", () => {
  const rows = tableRows(sectionOf(scanner, "stages"));
  assert.equal(rows[3][1], "macro port_scanner_execution_filter");
  assert.match(
    rows[3][2],
    /Expansion: tuning hook \(empty, for local exclusions\)/,
  );
  assert.equal(rows[4][1], "macro security_content_ctime(firstTime)");
  assert.match(
    rows[4][2],
    /Expands to: convert timeformat="%Y-%m-%dT%H:%M:%S" ctime\(firstTime\)/,
  );
});

test("rule page predicates show both field names", () => {
  const rows = tableRows(sectionOf(scanner, "predicates"));
  assert.deepEqual(rows[2], [
    "1",
    "DestinationPort",
    "destination.port",
    "in",
    "80, 443, 8080",
    "case-insensitive",
    "no",
    "modifiers all",
  ]);
  assert.equal(rows[1][7], "XML-rendered event id");
  assert.equal(rows.length, 3, "exclusions are not listed as predicates");
});

test("rule page exclusions show empty values", () => {
  const rows = tableRows(sectionOf(scanner, "exclusions"));
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'user eq "svc_scan", ""');
  assert.equal(rows[0][2], "user");
  assert.equal(rows[0][5], 'svc_scan, ""');
  assert.equal(rows[0][7], "yes");
});

test("excludedWhen reads each negation right", () => {
  const base = {
    caseSensitive: false,
    role: "exclusion" as const,
    stage: 0,
    span: { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 },
  };
  const cases: Array<[Partial<Predicate>, string]> = [
    [
      { field: "user", kind: "eq", values: ["SYSTEM"], negated: true },
      'user eq "SYSTEM"',
    ],
    [
      { field: "user", kind: "ne", values: ["SYSTEM"], negated: false },
      'user eq "SYSTEM", or user is missing',
    ],
    [
      { field: "CommandLine", kind: "exists", values: [], negated: false },
      "CommandLine is missing",
    ],
    [
      { field: "CommandLine", kind: "exists", values: [], negated: true },
      "CommandLine exists",
    ],
    [
      { field: "a", kind: "contains", values: ["x"], negated: false },
      'NOT (a contains "x")',
    ],
  ];
  for (const [predicate, expected] of cases) {
    assert.equal(
      excludedWhen({ ...base, ...predicate } as Predicate),
      expected,
    );
  }
});

test("rule page thresholds are listed", () => {
  const rows = tableRows(sectionOf(scanner, "thresholds"));
  assert.deepEqual(rows, [["3", "count", ">", "10", "count > 10"]]);
});

test("rule page indicators have counts", () => {
  const rows = tableRows(sectionOf(scanner, "indicators"));
  assert.deepEqual(
    rows.map((row) => [row[3], row[4]]),
    [
      ["4103", "corpus 4 (splunk 4)"],
      ["4104", "corpus 12 (splunk 9, armory 3)"],
      ["80", "corpus 1 (armory 1)"],
      ["443", "corpus 2 (sigma 2)"],
      ["8080", "corpus 0 (only this rule)"],
    ],
  );
  assert.equal(rows[0][0], "EventCode", "field as the rule writes it");
  assert.equal(rows[0][1], "event.code", "canonical field beside it");
  for (const row of rows) assert.notEqual(row[3], "", "no blank value");
});

test("rule page search terms mark directives", () => {
  const rows = tableRows(sectionOf(scanner, "search-terms"));
  assert.deepEqual(
    rows.map((row) => [row[1], row[2], row[3]]),
    [
      ["portscan", "none", "contains"],
      ['"portscan.exe"', "TERM()", "language default"],
    ],
  );
  assert.equal(rows[0][5], "subsearch");
  assert.ok(!rows.some((row) => row[1] === "TERM"));
});

test("rule page macros show their status", () => {
  const rows = tableRows(sectionOf(scanner, "macros-lookups"));
  const statusByName = new Map(rows.map((row) => [row[2], row[4]]));
  assert.equal(statusByName.get("powershell_events"), "expanded");
  assert.match(
    statusByName.get("port_scanner_execution_filter") ?? "",
    /^tuning hook/,
  );
  assert.equal(statusByName.get("local_tuning"), "definition unknown");
  assert.equal(statusByName.get("scanner_allowlist"), "not applicable");
});

test("rule page diagnostics show positions", () => {
  const rows = tableRows(sectionOf(scanner, "diagnostics"));
  assert.deepEqual(rows[0], [
    "warning",
    "armory-missing-field",
    "3:1",
    "The rule has no author field.",
  ]);
  assert.equal(rows[1][2], "query 2:7");
});

test("empty sections say None", () => {
  for (const id of RULE_SECTION_IDS) {
    if (id === "metadata" || id === "body") continue;
    const section = sectionOf(empty, id);
    assert.ok(section.includes('<p class="none">None</p>'), `#${id} says None`);
    assert.ok(!section.includes("<table>"), `#${id} has no table`);
  }
});

test("hostile rule text is escaped", () => {
  assert.ok(!hostile.includes("<script"), "no script element");
  assert.ok(!hostile.includes("<img"), "no img element");
  assert.ok(!hostile.includes("<b>"), "no b element");
  assert.ok(!hostile.includes('href="javascript'), "no javascript link");
  assert.ok(!hostile.includes('"onmouseover'), "no injected attribute");
  assert.ok(
    hostile.includes("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"),
  );
});

test("hostile references are text except http", () => {
  const section = sectionOf(hostile, "references");
  assert.equal(section.split("<a ").length - 1, 1, "one link");
  assert.ok(
    section.includes('href="https://example.org/%22onmouseover=%22alert(6)"'),
  );
  assert.equal(section.split('class="not-link"').length - 1, 6);
});

test("rule page logic shows the boolean tree", () => {
  const logic = sectionOf(scanner, "logic");
  const text = logic
    .replace(/<[^>]+>/g, " ")
    .replaceAll("&quot;", '"')
    .replaceAll("&gt;", ">")
    .replace(/\s+/g, " ");
  assert.match(text, /AND OR EventCode eq 4104 EventCode eq 4103 /);
  assert.match(text, / NOT user eq svc_scan , "" /);
  assert.doesNotMatch(text, /NOT NOT/);
  assert.match(text, /not analysed: `get_endpoint_data`/);
  assert.match(text, /threshold count > 10/);
});

test("rule page shows declared tactics without techniques", () => {
  const entry = loadEntry("armory-port-scanner");
  entry.tactics = ["Discovery", "Impact"];
  const page = renderRulePage(entry, INFO);
  const rows = tableRows(sectionOf(page, "attack"));
  const impact = rows.find((row) => row[0] === "Impact");
  assert.ok(impact, "Impact row present");
  assert.equal(impact[1], "declared without a technique of this tactic");
});

test("exclusions show the whole filter they belong to", () => {
  const entry = loadEntry("armory-port-scanner");
  const span = {
    start: 0,
    end: 1,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
  };
  const base = {
    caseSensitive: false,
    negated: true,
    role: "exclusion" as const,
    stage: 0,
    span,
  };
  entry.analysis.predicates = [
    {
      ...base,
      field: "Image",
      kind: "ends_with",
      values: ["\\lsass.exe"],
      negated: false,
      role: "indicator",
    },
    { ...base, field: "ProcessName", kind: "eq", values: ["WmiPrvSE.exe"] },
    { ...base, field: "AccessMask", kind: "eq", values: ["0x1410"] },
    {
      ...base,
      field: "ParentImage",
      kind: "exists",
      values: [],
      negated: false,
    },
  ];
  entry.analysis.logic = {
    type: "and",
    children: [
      { type: "predicate", index: 0 },
      {
        type: "not",
        child: {
          type: "and",
          children: [
            { type: "predicate", index: 1 },
            { type: "predicate", index: 2 },
          ],
        },
      },
      {
        type: "not",
        child: { type: "not", child: { type: "predicate", index: 3 } },
      },
    ],
  };
  const rows = tableRows(sectionOf(renderRulePage(entry, INFO), "exclusions"));
  assert.equal(
    rows[0][0],
    'ProcessName eq "WmiPrvSE.exe" AND AccessMask eq "0x1410"',
  );
  assert.equal(
    rows[1][0],
    'ProcessName eq "WmiPrvSE.exe" AND AccessMask eq "0x1410"',
  );
  assert.equal(rows[2][0], "ParentImage is missing");
});
