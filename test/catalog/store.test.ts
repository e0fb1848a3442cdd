import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCatalog } from "../../src/catalog/build.ts";
import { openFollowingCatalog } from "../../src/catalog/store.ts";

const fixtures = fileURLToPath(
  new URL("../fixtures/sources/", import.meta.url),
);
const folder = mkdtempSync(join(tmpdir(), "ruleatlas-store-"));
after(() => rmSync(folder, { recursive: true, force: true }));

test("following catalog sees a rebuild", () => {
  const outDir = join(folder, "atlas");
  buildCatalog({ inputs: [join(fixtures, "armory")], outDir });
  const catalog = openFollowingCatalog(join(outDir, "catalog.db"));
  try {
    assert.equal(catalog.listRules().length, 3);
    buildCatalog({
      inputs: [join(fixtures, "armory"), join(fixtures, "security_content")],
      outDir,
    });
    assert.equal(catalog.listRules().length, 4);
    assert.equal(catalog.getRule("whoami_run")?.rule.title, "Whoami Run");
    assert.deepEqual(
      catalog.findRulesById("1.1").map((rule) => rule.slug),
      ["nested_techniques-windows-splunk-edr"],
    );
  } finally {
    catalog.close();
  }
});

test("catalog text search finds technique ids", () => {
  const outDir = join(folder, "techniques");
  buildCatalog({ inputs: [fixtures], outDir });
  const catalog = openFollowingCatalog(join(outDir, "catalog.db"));
  try {
    const slugs = catalog.listRules({ text: "T1033" }).map((rule) => rule.slug);
    assert.deepEqual(slugs.sort(), [
      "nested_techniques-windows-splunk-edr",
      "whoami_run",
    ]);
    const byName = catalog.listRules({ text: "System Owner/User Discovery" });
    assert.equal(byName.length, 2);
  } finally {
    catalog.close();
  }
});

test("catalog text search finds slugs and ids", () => {
  const outDir = join(folder, "slugs");
  buildCatalog({ inputs: [fixtures], outDir });
  const catalog = openFollowingCatalog(join(outDir, "catalog.db"));
  try {
    assert.deepEqual(
      catalog.listRules({ text: "whoami_run" }).map((rule) => rule.slug),
      ["whoami_run"],
    );
    assert.deepEqual(
      catalog
        .listRules({ text: "00000000-0000-0000-0000-000000000001" })
        .map((rule) => rule.slug),
      ["whoami_run"],
    );
  } finally {
    catalog.close();
  }
});
