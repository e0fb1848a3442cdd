import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { emptyAnalysis, type Predicate } from "../../src/analysis/model.ts";
import { enrichRule } from "../../src/catalog/enrich.ts";
import type { RuleRecord } from "../../src/core/rule.ts";

const span = { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };

function rule(fields: Partial<RuleRecord> = {}): RuleRecord {
  return {
    id: "test-rule",
    slug: "sigma-test-rule",
    source: "sigma",
    repository: "fixtures",
    path: "test-rule.yml",
    file: "/fixtures/test-rule.yml",
    title: "Test rule",
    displayTitle: "Test rule",
    description: "",
    language: "sigma",
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

/** Canonical field of each predicate, by the field as written. */
function canonicalFields(
  record: RuleRecord,
  language: string,
  fields: string[],
): Record<string, string | undefined> {
  const analysis = emptyAnalysis(language);
  analysis.predicates.push(...fields.map((field) => predicate(field, "x")));
  enrichRule(record, analysis);
  return Object.fromEntries(
    analysis.predicates.map((p) => [p.field, p.canonicalField]),
  );
}

describe("enrichRule canonical fields", () => {
  it("reads Sigma image_load fields as the loaded DLL's", () => {
    const record = rule({
      logsource: { category: "image_load", product: "windows" },
    });
    assert.deepEqual(
      canonicalFields(record, "sigma", [
        "Image",
        "ImageLoaded",
        "OriginalFileName",
        "Signed",
      ]),
      {
        Image: "process.executable",
        ImageLoaded: "dll.path",
        OriginalFileName: "dll.pe.original_file_name",
        Signed: "dll.code_signature.exists",
      },
    );
  });

  it("reads Sigma driver_load fields as the driver file's", () => {
    const record = rule({
      logsource: { category: "driver_load", product: "windows" },
    });
    assert.deepEqual(
      canonicalFields(record, "sigma", ["ImageLoaded", "Hashes"]),
      { ImageLoaded: "file.path", Hashes: "file.hash" },
    );
  });

  it("reads Sigma process_creation fields as the process's", () => {
    const record = rule({
      logsource: { category: "process_creation", product: "windows" },
    });
    assert.deepEqual(canonicalFields(record, "sigma", ["OriginalFileName"]), {
      OriginalFileName: "process.pe.original_file_name",
    });
  });

  it("gives SPL rules no log source category", () => {
    const record = rule({
      source: "splunk",
      language: "spl",
      logsource: { category: "image_load" },
    });
    assert.deepEqual(canonicalFields(record, "spl", ["OriginalFileName"]), {
      OriginalFileName: "process.pe.original_file_name",
    });
  });
});

describe("enrichRule techniques", () => {
  function armory(fields: Partial<RuleRecord>): RuleRecord {
    return rule({ source: "armory", language: "spl", ...fields });
  }

  function techniqueIds(record: RuleRecord): string[] {
    return enrichRule(record, emptyAnalysis("spl")).techniques.map(
      (technique) => technique.id,
    );
  }

  it("resolves armory technique names without ids", () => {
    const record = armory({
      tactics: ["impact"],
      tags: { techniques: ["impact:endpoint denial of service"] },
    });
    const [technique] = enrichRule(record, emptyAnalysis("spl")).techniques;
    assert.equal(technique?.id, "T1499");
    assert.equal(technique?.name, "Endpoint Denial of Service");
    assert.deepEqual(technique?.tactics, ["Impact"]);
  });

  it("resolves armory sub-technique names once", () => {
    const record = armory({
      tags: {
        techniques: [
          "execution:command and scripting interpreter:powershell",
          "execution:powershell",
          "execution:command and scripting interpreter",
        ],
      },
    });
    assert.deepEqual(techniqueIds(record), ["T1059.001", "T1059"]);
  });

  it("prefers declared technique ids over names", () => {
    const record = armory({
      techniques: ["T1046"],
      tags: { techniques: ["impact:endpoint denial of service"] },
    });
    assert.deepEqual(techniqueIds(record), ["T1046"]);
  });

  it("skips unknown, ambiguous and untagged names", () => {
    const record = armory({
      tags: {
        techniques: [
          "discovery:no such technique",
          "resource-development:domains",
          "endpoint denial of service",
          "T1499",
        ],
      },
    });
    assert.deepEqual(techniqueIds(record), []);
  });

  it("leaves other sources' tags alone", () => {
    const record = rule({
      tags: { techniques: ["impact:endpoint denial of service"] },
    });
    assert.deepEqual(techniqueIds(record), []);
  });
});
