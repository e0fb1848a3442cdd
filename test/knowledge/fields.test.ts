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
    [
      "OriginalFileName",
      { language: "sigma" },
      "process.pe.original_file_name",
    ],
    [
      "OriginalFileName",
      { language: "sigma", source: "process_creation" },
      "process.pe.original_file_name",
    ],
    [
      "OriginalFileName",
      { language: "sigma", source: "image_load" },
      "dll.pe.original_file_name",
    ],
    [
      "Description",
      { language: "sigma", source: "image_load" },
      "dll.pe.description",
    ],
    ["Company", { language: "sigma", source: "image_load" }, "dll.pe.company"],
    ["Hashes", { language: "sigma", source: "image_load" }, "dll.hash"],
    [
      "Signed",
      { language: "sigma", source: "image_load" },
      "dll.code_signature.exists",
    ],
    [
      "Signature",
      { language: "sigma", source: "image_load" },
      "dll.code_signature.subject_name",
    ],
    ["ImageLoaded", { language: "sigma", source: "image_load" }, "dll.path"],
    [
      "Image",
      { language: "sigma", source: "image_load" },
      "process.executable",
    ],
    ["ImageLoaded", { language: "sigma", source: "driver_load" }, "file.path"],
    ["Hashes", { language: "sigma", source: "driver_load" }, "file.hash"],
    [
      "Signature",
      { language: "sigma", source: "driver_load" },
      "file.code_signature.subject_name",
    ],
    [
      "originalfilename",
      { language: "sigma", source: "image_load" },
      "dll.pe.original_file_name",
    ],
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

  it("keeps category-qualified names to their category", () => {
    assert.equal(
      canonicalField("Signed", {
        language: "sigma",
        source: "process_creation",
      }),
      undefined,
    );
    assert.equal(canonicalField("Hashes", { language: "sigma" }), undefined);
    assert.equal(
      canonicalField("OriginalFileName", { language: "spl" }),
      "process.pe.original_file_name",
    );
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
    // The Sysmon event behind each Sigma category that qualifies a name.
    const categoryEvents: Record<string, number> = {
      image_load: 7,
      driver_load: 6,
    };
    for (const mapping of map.fields) {
      for (const name of mapping.windows) {
        if (splunkNames.has(name) || headerNames.has(name)) continue;
        const dot = name.indexOf(".");
        if (dot < 0) {
          assert.ok(known.has(name), `${name} is in no event of the catalog`);
          continue;
        }
        const eventId = categoryEvents[name.slice(0, dot)];
        assert.ok(eventId !== undefined, `${name} has an unknown category`);
        const event = catalog.events.find(
          (candidate) =>
            candidate.provider === "Sysmon" && candidate.eventId === eventId,
        );
        assert.ok(
          event?.fields?.includes(name.slice(dot + 1)),
          `${name} is not a field of Sysmon event ${eventId}`,
        );
      }
    }
  });

  it("has one row per common name", () => {
    const map = loadDataFile<FieldMapData>("fields/field-map.json");
    const names = map.fields.map((mapping) => mapping.ecs);
    assert.equal(new Set(names).size, names.length);
  });
});
