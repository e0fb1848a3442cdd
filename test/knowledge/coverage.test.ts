import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  emptyAnalysis,
  type Analysis,
  type Predicate,
  type Reference,
} from "../../src/analysis/model.ts";
import type { RuleRecord } from "../../src/core/rule.ts";
import { inferEventCoverage } from "../../src/knowledge/coverage.ts";

const span = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };

function rule(fields: Partial<RuleRecord> = {}): RuleRecord {
  return {
    id: "test-rule",
    slug: "armory-test-rule",
    source: "armory",
    repository: "fixtures",
    path: "test-rule.yml",
    file: "/fixtures/test-rule.yml",
    title: "Test rule",
    displayTitle: "Test rule",
    description: "",
    language: "spl",
    query: "",
    techniques: [],
    tactics: [],
    dataCategories: [],
    dataSources: [],
    references: [],
    falsePositives: [],
    tags: {},
    body: "",
    bodyFormat: "yaml",
    diagnostics: [],
    ...fields,
  };
}

function predicate(
  field: string,
  values: string[],
  extra: Partial<Predicate> = {},
): Predicate {
  return {
    field,
    kind: values.length > 1 ? "in" : "eq",
    values,
    caseSensitive: false,
    negated: false,
    role: "indicator",
    stage: 0,
    span,
    ...extra,
  };
}

function analysis(
  predicates: Predicate[] = [],
  references: Reference[] = [],
): Analysis {
  const result = emptyAnalysis("spl");
  result.predicates.push(...predicates);
  result.references.push(...references);
  return result;
}

function dataModel(name: string, node?: string): Reference {
  return {
    kind: "datamodel",
    name,
    arguments: node ? [node] : undefined,
    stage: 0,
  };
}

/** `Provider id` pairs, for comparing which events were inferred. */
function events(rule: RuleRecord, input: Analysis): string[] {
  return inferEventCoverage(rule, input).map((event) =>
    event.eventId === undefined
      ? event.provider
      : `${event.provider} ${event.eventId}`,
  );
}

describe("inferEventCoverage", () => {
  it("reads PowerShell event codes once each", () => {
    const record = rule({ dataCategories: ["PowerShell logs"] });
    const input = analysis([
      predicate("EventCode", ["4103"], { origin: "term" }),
      predicate("EventID", ["4103"], { origin: "xml-event-id" }),
      predicate("EventCode", ["4104"], { origin: "term" }),
      predicate("EventID", ["4104"], { origin: "xml-event-id" }),
    ]);
    const coverage = inferEventCoverage(record, input);
    assert.deepEqual(
      coverage.map((event) => `${event.provider} ${event.eventId}`),
      ["PowerShell 4103", "PowerShell 4104"],
    );
    assert.equal(coverage[1]!.title, "Creating Scriptblock text");
    assert.ok(!coverage[0]!.title.includes("Context"));
    assert.equal(
      coverage[0]!.reason,
      'TERM(EventCode=4103); <EventID>4103< term; data category "PowerShell logs"',
    );
  });

  it("reads XML EventID search terms", () => {
    const input = analysis();
    input.searchTerms.push({
      text: "<EventID>4104<",
      phrase: true,
      negated: false,
      role: "indicator",
      stage: 0,
      span,
    });
    const record = rule({ dataCategories: ["PowerShell logs"] });
    assert.deepEqual(events(record, input), ["PowerShell 4104"]);
  });

  it("maps Endpoint.Processes to Sysmon and Security", () => {
    const record = rule({
      source: "splunk",
      dataSources: ["Sysmon EventID 1", "Windows Event Log Security 4688"],
    });
    const input = analysis([], [dataModel("Endpoint", "Processes")]);
    const coverage = inferEventCoverage(record, input);
    assert.deepEqual(
      coverage.map((event) => `${event.provider} ${event.eventId}`),
      ["Sysmon 1", "Security 4688"],
    );
    assert.equal(coverage[0]!.title, "Process creation");
    assert.equal(coverage[1]!.title, "A new process has been created");
    assert.equal(
      coverage[0]!.reason,
      'data model Endpoint.Processes; data source "Sysmon EventID 1"',
    );
  });

  it("accepts data model names kept whole", () => {
    const input = analysis([], [dataModel("Endpoint.Registry")]);
    assert.deepEqual(events(rule(), input), [
      "Sysmon 12",
      "Sysmon 13",
      "Sysmon 14",
    ]);
  });

  it("resolves bare data model names", () => {
    const input = analysis([], [dataModel("Network_Traffic")]);
    assert.deepEqual(events(rule(), input), ["Sysmon 3"]);
  });

  it("narrows Filesystem by its action", () => {
    const plain = analysis([], [dataModel("Endpoint", "Filesystem")]);
    assert.deepEqual(events(rule(), plain), ["Sysmon 11"]);

    const deleted = analysis(
      [predicate("Filesystem.action", ["deleted"])],
      [dataModel("Endpoint", "Filesystem")],
    );
    assert.deepEqual(events(rule(), deleted), ["Sysmon 23", "Sysmon 26"]);
  });

  it("reads DNS data sources", () => {
    const record = rule({ dataSources: ["Sysmon EventID 22"] });
    const coverage = inferEventCoverage(record, analysis());
    assert.equal(coverage.length, 1);
    assert.equal(coverage[0]!.provider, "Sysmon");
    assert.equal(coverage[0]!.eventId, 22);
    assert.equal(coverage[0]!.title, "DNSEvent (DNS query)");
  });

  it("picks the provider that has the id", () => {
    const record = rule({ dataCategories: ["Windows event logs"] });
    assert.deepEqual(
      events(record, analysis([predicate("EventCode", ["7045"])])),
      ["System 7045"],
    );
    assert.deepEqual(
      events(record, analysis([predicate("EventCode", ["4688"])])),
      ["Security 4688"],
    );
  });

  it("takes the provider from macros", () => {
    const input = analysis(
      [predicate("EventCode", ["4624"])],
      [{ kind: "macro", name: "wineventlog_security", stage: 0 }],
    );
    const coverage = inferEventCoverage(rule(), input);
    assert.equal(coverage.length, 1);
    assert.equal(coverage[0]!.provider, "Security");
    assert.match(coverage[0]!.reason, /macro wineventlog_security/);
  });

  it("takes the provider from sources", () => {
    const input = analysis([
      predicate("source", [
        "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational",
      ]),
      predicate("EventCode", ["3"]),
    ]);
    const coverage = inferEventCoverage(rule(), input);
    assert.deepEqual(
      coverage.map((event) => `${event.provider} ${event.eventId}`),
      ["Sysmon 3"],
    );
    assert.match(coverage[0]!.reason, /source=XmlWinEventLog/);
  });

  it("prefers Sysmon for small ids", () => {
    assert.deepEqual(events(rule(), analysis([predicate("EventID", ["3"])])), [
      "Sysmon 3",
    ]);
  });

  it("ignores negated and excluded ids", () => {
    const input = analysis([
      predicate("EventCode", ["4688"], { negated: true }),
      predicate("EventCode", ["4624"], { role: "exclusion" }),
      predicate("EventCode", ["4625"], { kind: "ne" }),
    ]);
    assert.deepEqual(events(rule(), input), []);
  });

  it("names logs without event ids", () => {
    const cloud = rule({ dataCategories: ["AWS CloudTrail logs"] });
    const coverage = inferEventCoverage(cloud, analysis());
    assert.deepEqual(coverage, [
      {
        provider: "AWS CloudTrail logs",
        title: "AWS CloudTrail logs",
        reason: 'data category "AWS CloudTrail logs"',
      },
    ]);

    const source = rule({ dataSources: ["AWS CloudTrail"] });
    assert.deepEqual(events(source, analysis()), ["AWS CloudTrail"]);
  });

  it("leaves Windows categories without ids empty", () => {
    const record = rule({ dataCategories: ["Windows Sysmon"] });
    assert.deepEqual(events(record, analysis()), []);
  });

  it("titles ids the catalog lacks", () => {
    const record = rule({ dataSources: ["Windows Event Log Defender 1126"] });
    const coverage = inferEventCoverage(record, analysis());
    assert.equal(coverage[0]!.provider, "Windows Defender");
    assert.equal(coverage[0]!.eventId, 1126);
    assert.ok(coverage[0]!.title.length > 0);
  });
});

describe("inferEventCoverage signature_id", () => {
  it("reads signature_id in Windows logs", () => {
    const record = rule({ dataCategories: ["Windows event logs"] });
    const input = analysis([predicate("signature_id", ["4625"])]);
    assert.deepEqual(events(record, input), ["Security 4625"]);
  });

  it("ignores signature_id elsewhere", () => {
    const record = rule({ dataCategories: ["Network device logs"] });
    const input = analysis([predicate("signature_id", ["4625"])]);
    assert.deepEqual(events(record, input), ["Network device logs"]);
  });
});

describe("inferEventCoverage data models", () => {
  it("keeps data model events of declared logs", () => {
    const record = rule({ dataSources: ["Sysmon for Linux EventID 11"] });
    const input = analysis(
      [predicate("Filesystem.action", ["deleted"])],
      [dataModel("Endpoint", "Filesystem")],
    );
    assert.deepEqual(events(record, input), ["Sysmon for Linux 11"]);
  });

  it("names each reason once", () => {
    const record = rule({ dataSources: ["Windows Event Log System 7045"] });
    const input = analysis([predicate("EventCode", ["7045"])]);
    const coverage = inferEventCoverage(record, input);
    assert.equal(
      coverage[0]!.reason,
      'EventCode=7045; data source "Windows Event Log System 7045"',
    );
  });
});
