import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CatalogEntry } from "../../src/catalog/entry.ts";
import { writeSite, type SiteInfo } from "../../src/site/write.ts";
import { loadEntries, loadEntry, summarise } from "../fixtures/catalog/load.ts";
import { squash, stripTags } from "./sections.ts";

const INFO: SiteInfo = {
  title: "RuleAtlas test catalog",
  builtAt: "2026-01-02T03:04:05.000Z",
  attackVersion: "19.0",
  counts: { filesSkipped: 7, diagnostics: 3 },
};

function withTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), "ruleatlas-site-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withSlug(entry: CatalogEntry, slug: string): CatalogEntry {
  return { ...entry, rule: { ...entry.rule, slug } };
}

test("writeSite writes index, pages and assets", () => {
  withTempDir((dir) => {
    const entries = loadEntries();
    const result = writeSite(entries, entries.map(summarise), dir, INFO);

    assert.equal(result.pages, 3);
    assert.deepEqual(result.diagnostics, []);
    assert.ok(existsSync(path.join(dir, "index.html")));
    assert.deepEqual(readdirSync(path.join(dir, "rules")).sort(), [
      "armory-port_scanner_execution_powershell.html",
      "splunk-empty_rule.html",
      "splunk-hostile_rule.html",
    ]);
    assert.deepEqual(readdirSync(path.join(dir, "assets")).sort(), [
      "favicon.svg",
      "index.js",
      "site.css",
    ]);
  });
});

test("writeSite index groups rules by source", () => {
  withTempDir((dir) => {
    const entries = loadEntries();
    writeSite(entries, entries.map(summarise), dir, INFO);
    const index = squash(readFileSync(path.join(dir, "index.html"), "utf8"));

    const armory = index.indexOf('id="source-armory"');
    const splunk = index.indexOf('id="source-splunk"');
    assert.notEqual(armory, -1, "armory group present");
    assert.ok(splunk > armory, "armory group before splunk");
    assert.match(stripTags(index), /Anvilogic armory \(1 rule\)/);
    assert.match(stripTags(index), /Splunk security_content \(2 rules\)/);
    assert.match(index, /<span class="count" data-total="2"/);
    assert.match(stripTags(index), /3 rules · 7 files skipped · 3 diagnostics/);
  });
});

test("writeSite index links each rule page", () => {
  withTempDir((dir) => {
    const entries = loadEntries();
    writeSite(entries, entries.map(summarise), dir, INFO);
    const index = squash(readFileSync(path.join(dir, "index.html"), "utf8"));

    assert.ok(
      index.includes(
        'href="rules/armory-port_scanner_execution_powershell.html"',
      ),
    );
    assert.ok(index.includes('href="rules/splunk-empty_rule.html"'));
    assert.ok(index.includes('<script src="assets/index.js" defer></script>'));
    assert.ok(index.includes('<input id="filter-text"'));
    assert.ok(index.includes('<select id="filter-source"'));
    assert.ok(!index.includes("<script>"), "hostile title stays escaped");
  });
});

test("writeSite index carries filter text", () => {
  withTempDir((dir) => {
    const entries = [loadEntry("armory-port-scanner")];
    writeSite(entries, entries.map(summarise), dir, INFO);
    const index = readFileSync(path.join(dir, "index.html"), "utf8");

    assert.match(
      index,
      /data-source="armory"\s+data-search="port scanner execution - windows \(powershell\) 90001.00001 armory-port_scanner_execution_powershell rules\/port_scanner_execution_powershell.yml t1046 t1059.001 network service discovery command and scripting interpreter: powershell"/,
    );
  });
});

test("writeSite rejects unsafe slugs", () => {
  withTempDir((dir) => {
    const siteDir = path.join(dir, "site");
    const base = loadEntry("splunk-empty");
    const entries = ["..", "../escape", "a\\b", "x\u0000y", ".hidden"].map(
      (slug) => withSlug(base, slug),
    );
    const result = writeSite(entries, entries.map(summarise), siteDir, INFO);

    assert.equal(result.pages, 0);
    assert.equal(result.diagnostics.length, entries.length);
    for (const diagnostic of result.diagnostics) {
      assert.equal(diagnostic.code, "site-invalid-slug");
      assert.equal(diagnostic.severity, "error");
      assert.equal(diagnostic.ruleId, base.rule.id);
    }
    assert.deepEqual(readdirSync(dir), ["site"], "nothing written outside");
    assert.deepEqual(readdirSync(path.join(siteDir, "rules")), []);

    const index = readFileSync(path.join(siteDir, "index.html"), "utf8");
    assert.ok(!index.includes('href="rules/'), "no links to missing pages");
    assert.equal(
      index.split("no page: invalid slug").length - 1,
      entries.length,
    );
  });
});

test("writeSite rejects duplicate slugs", () => {
  withTempDir((dir) => {
    const base = loadEntry("splunk-empty");
    const entries = [withSlug(base, "Same"), withSlug(base, "same")];
    const result = writeSite(entries, entries.map(summarise), dir, INFO);

    assert.equal(result.pages, 1);
    assert.equal(result.diagnostics.length, 1);
    assert.match(
      result.diagnostics[0].message,
      /another rule already has this slug/,
    );
  });
});

test("writeSite writes None for an empty catalog", () => {
  withTempDir((dir) => {
    writeSite([], [], dir, INFO);
    const index = readFileSync(path.join(dir, "index.html"), "utf8");
    assert.ok(index.includes('<p class="none">None</p>'));
    assert.match(stripTags(index), /0 rules/);
  });
});
