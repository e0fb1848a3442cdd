import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { emptyAnalysis, type Predicate } from "../../src/analysis/model.ts";
import {
  applyCanonicalFields,
  canonicalField,
  type FieldMapData,
} from "../../src/knowledge/fields.ts";
import { loadDataFile } from "../../src/knowledge/data-files.ts";
import type { EventCatalogData } from "../../src/knowledge/events.ts";

const span = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };

function predicate(field: string, value: string): Predicate {
  return {
    field,
    kind: "eq",
    values: [value],
    caseSensitive: false,
    negated: false,
    role: "indicator",
    stage: 0,
    span,
  };
}

describe("canonicalField", () => {
  const cases: [string, { language: string; source?: string }, string][] = [
    ["Processes.process_name", { language: "spl" }, "process.name"],
    ["process_name", { language: "spl" }, "process.name"],
    ["Processes.process", { language: "spl" }, "process.command_line"],
    [
      "Processes.parent_process_name",
      { language: "spl" },
      "process.parent.name",
    ],
    ["Image", { language: "sigma" }, "process.executable"],
    ["Image", { language: "spl" }, "process.executable"],
    ["CommandLine", { language: "sigma" }, "process.command_line"],
    ["ParentImage", { language: "sigma" }, "process.parent.executable"],
    ["EventCode", { language: "spl" }, "event.code"],
    ["EventID", { language: "sigma" }, "event.code"],
    ["process.name", { language: "eql" }, "process.name"],
    ["process.name", { language: "kuery" }, "process.name"],
    ["FileName", { language: "kql" }, "process.name"],
    ["ProcessCommandLine", { language: "kql" }, "process.command_line"],
    ["FileName", { language: "kql", source: "DeviceFileEvents" }, "file.name"],
    ["dest", { language: "spl", source: "Endpoint.Processes" }, "host.name"],
    [
      "dest",
      { language: "spl", source: "Network_Traffic.All_Traffic" },
      "destination.ip",
    ],
    ["All_Traffic.dest_port", { language: "spl" }, "destination.port"],
    ["commandline", { language: "sigma" }, "process.command_line"],
  ];
  for (const [field, context, expected] of cases) {
    it(`maps ${field} in ${context.language}${context.source ? ` (${context.source})` : ""}`, () => {
      assert.equal(canonicalField(field, context), expected);
    });
  }

  it("keeps CIM names case-sensitive", () => {
    assert.equal(
      canonicalField("Process_Name", { language: "spl" }),
      undefined,
    );
  });

  it("returns undefined for unknown fields", () => {
    assert.equal(
      canonicalField("no_such_field", { language: "spl" }),
      undefined,
    );
    assert.equal(canonicalField("", { language: "spl" }), undefined);
  });

  it("does not map ECS names in Sysmon-only languages", () => {
    assert.equal(canonicalField("Image", { language: "eql" }), undefined);
  });
});

describe("applyCanonicalFields", () => {
  it("fills known fields in place", () => {
    const analysis = emptyAnalysis("spl");
    analysis.predicates.push(
      predicate("Processes.process_name", "arp.exe"),
      predicate("unknown_field", "x"),
    );
    applyCanonicalFields(analysis, { language: "spl" });
    assert.equal(analysis.predicates[0]!.canonicalField, "process.name");
    assert.equal(analysis.predicates[1]!.canonicalField, undefined);
  });

  it("uses the only data model", () => {
    const analysis = emptyAnalysis("spl");
    analysis.references.push({
      kind: "datamodel",
      name: "Network_Traffic",
      arguments: ["All_Traffic"],
      stage: 0,
    });
    analysis.predicates.push(predicate("dest", "10.0.0.1"));
    applyCanonicalFields(analysis, { language: "spl" });
    assert.equal(analysis.predicates[0]!.canonicalField, "destination.ip");
  });
});

describe("field map data", () => {
  it("names Windows fields that events have", () => {
    const map = loadDataFile<FieldMapData>("fields/field-map.json");
    const catalog = loadDataFile<EventCatalogData>(
      "events/windows-events.json",
    );
    const known = new Set(
      catalog.events.flatMap((event) => event.fields ?? []),
    );
    // Splunk's Windows add-on names, not payload fields.
    const splunkNames = new Set(["EventCode", "Process_Command_Line"]);
    // Event header fields and rendered-event names, which no payload lists.
    const headerNames = new Set([
      "EventID",
      "EventId",
      "Channel",
      "Computer",
      "Provider_Name",
      "SourceName",
      "LogName",
      "UserID",
    ]);
    for (const mapping of map.fields) {
      for (const name of mapping.windows) {
        if (splunkNames.has(name) || headerNames.has(name)) continue;
        assert.ok(known.has(name), `${name} is in no event of the catalog`);
      }
    }
  });

  it("has one row per common name", () => {
    const map = loadDataFile<FieldMapData>("fields/field-map.json");
    const names = map.fields.map((mapping) => mapping.ecs);
    assert.equal(new Set(names).size, names.length);
  });
});
