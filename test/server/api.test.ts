import { test } from "node:test";
import assert from "node:assert/strict";
import { handleApi } from "../../src/server/api.ts";
import { loadEntry, memoryCatalog } from "../fixtures/catalog/load.ts";

test("API lists rules sharing an id", () => {
  const first = loadEntry("armory-port-scanner");
  const second = loadEntry("armory-port-scanner");
  second.rule = {
    ...second.rule,
    slug: "armory-port_scanner_execution_sysmon",
  };
  const catalog = memoryCatalog([first, second]);
  const response = handleApi(
    catalog,
    "/api/rules/90001.00001",
    new URLSearchParams(),
  );
  assert.equal(response.status, 300);
  const body = response.body as {
    error: string;
    rules: Array<{ slug: string }>;
  };
  assert.deepEqual(
    body.rules.map((rule) => rule.slug),
    [
      "armory-port_scanner_execution_powershell",
      "armory-port_scanner_execution_sysmon",
    ],
  );
  assert.match(body.error, /2 rules declare the id "90001\.00001"/);
});

test("API prefers a slug over an id", () => {
  const catalog = memoryCatalog([loadEntry("splunk-empty")]);
  const response = handleApi(
    catalog,
    "/api/rules/splunk-empty_rule",
    new URLSearchParams(),
  );
  assert.equal(response.status, 200);
});

test("API pages the rule list", () => {
  const catalog = memoryCatalog([
    loadEntry("armory-port-scanner"),
    loadEntry("splunk-empty"),
    loadEntry("hostile"),
  ]);
  const response = handleApi(
    catalog,
    "/api/rules",
    new URLSearchParams("offset=1&limit=1"),
  );
  assert.equal(response.status, 200);
  const body = response.body as {
    count: number;
    offset: number;
    rules: unknown[];
  };
  assert.equal(body.count, 3);
  assert.equal(body.offset, 1);
  assert.equal(body.rules.length, 1);
});

test("API rejects invalid paging", () => {
  const catalog = memoryCatalog([]);
  const response = handleApi(
    catalog,
    "/api/rules",
    new URLSearchParams("limit=-2"),
  );
  assert.equal(response.status, 400);
  assert.match(
    (response.body as { error: string }).error,
    /Invalid limit "-2"/,
  );
});
