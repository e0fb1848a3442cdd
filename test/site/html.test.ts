import { test } from "node:test";
import assert from "node:assert/strict";
import {
  escapeAttribute,
  escapeText,
  externalUrl,
  html as markup,
  link,
  sitePath,
  SafeUrl,
  trusted,
  withQuery,
} from "../../src/site/html.ts";
import { isSafeSlug, slugProblem } from "../../src/site/slug.ts";
import { valueCode } from "../../src/site/section.ts";

test("escapeText escapes markup characters", () => {
  assert.equal(
    escapeText(`<script>alert("x") & 'y'</script>`),
    "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;",
  );
});

test("escapeText keeps ordinary text", () => {
  assert.equal(escapeText("process_name=arp.exe\n"), "process_name=arp.exe\n");
});

test("escapeAttribute encodes control characters", () => {
  assert.equal(escapeAttribute(`a"\nb\u0000`), "a&quot;&#10;b&#0;");
});

test("html template escapes interpolated text", () => {
  const value = `</p><script>alert(1)</script>`;
  assert.equal(
    markup`<p>${value}</p>`.value,
    "<p>&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>",
  );
});

test("html template escapes quotes in attributes", () => {
  const value = `x" onclick="alert(1)`;
  assert.equal(
    markup`<td title="${value}">`.value,
    `<td title="x&quot; onclick=&quot;alert(1)">`,
  );
});

test("html template keeps nested markup and joins arrays", () => {
  const items = ["<a>", "b"].map((item) => markup`<li>${item}</li>`);
  assert.equal(
    markup`<ul>${items}</ul>`.value,
    "<ul><li>&lt;a&gt;</li><li>b</li></ul>",
  );
});

test("html template renders empty values as nothing", () => {
  assert.equal(markup`[${undefined}${null}${false}]`.value, "[]");
  assert.equal(markup`[${0}]`.value, "[0]");
});

test("html template rejects plain strings in href", () => {
  const url = "javascript:alert(1)";
  assert.throws(() => markup`<a href="${url}">x</a>`, TypeError);
  assert.throws(() => markup`<img src='${url}'>`, TypeError);
});

test("html template accepts SafeUrl in href", () => {
  const url = sitePath("../", "rules", "a b.html");
  assert.equal(
    markup`<a href="${url}">x</a>`.value,
    `<a href="../rules/a%20b.html">x</a>`,
  );
});

test("externalUrl accepts http and https only", () => {
  assert.equal(
    externalUrl("https://example.org/a")?.value,
    "https://example.org/a",
  );
  assert.equal(
    externalUrl(" http://example.org ")?.value,
    "http://example.org/",
  );
  assert.equal(externalUrl("javascript:alert(1)"), undefined);
  assert.equal(externalUrl(" JaVaScRiPt:alert(1)"), undefined);
  assert.equal(externalUrl("java\nscript:alert(1)"), undefined);
  assert.equal(externalUrl("data:text/html,<script>"), undefined);
  assert.equal(externalUrl("vbscript:msgbox(1)"), undefined);
  assert.equal(externalUrl("file:///etc/passwd"), undefined);
  assert.equal(externalUrl("/relative/path"), undefined);
  assert.equal(externalUrl("//example.org/protocol-relative"), undefined);
  assert.equal(externalUrl(""), undefined);
});

test("externalUrl percent-encodes quotes", () => {
  const url = externalUrl(`https://example.org/"onmouseover="alert(1)`);
  assert.equal(url?.value, "https://example.org/%22onmouseover=%22alert(1)");
});

test("link renders javascript URLs as text", () => {
  const markup = link("javascript:alert(1)").value;
  assert.equal(markup, `<span class="not-link">javascript:alert(1)</span>`);
  assert.ok(!markup.includes("href"));
});

test("link renders https URLs as links", () => {
  assert.equal(
    link("https://example.org/?a=1&b=2").value,
    `<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer nofollow">https://example.org/?a=1&amp;b=2</a>`,
  );
});

test("sitePath encodes each segment", () => {
  assert.equal(
    sitePath("", "rules", "../x?y#z.html").value,
    "rules/..%2Fx%3Fy%23z.html",
  );
});

test("withQuery encodes the query and fragment", () => {
  const url = withQuery(new SafeUrl("index.html"), { source: "a&b" }, "x y");
  assert.equal(url.value, "index.html?source=a%26b#x%20y");
});

test("trusted wraps markup unchanged", () => {
  assert.equal(markup`${trusted("<b>x</b>")}`.value, "<b>x</b>");
});

test("slugProblem rejects unsafe slugs", () => {
  const unsafe = [
    "",
    ".",
    "..",
    "../etc/passwd",
    "a/b",
    "a\\b",
    "a..b",
    ".hidden",
    "c:evil",
    "line\nbreak",
    "nul\u0000",
    "del\u007f",
    "x".repeat(201),
  ];
  for (const slug of unsafe) {
    assert.notEqual(slugProblem(slug), undefined, JSON.stringify(slug));
  }
});

test("slugProblem accepts catalog slugs", () => {
  const safe = [
    "splunk-detect_processes_used_for_system_network_configuration_discovery",
    "armory-masscan_execution_-_windows_powershell-2",
    "sigma-proc_creation_win_ümlaut",
    "with space",
  ];
  for (const slug of safe) {
    assert.equal(slugProblem(slug), undefined, slug);
    assert.ok(isSafeSlug(slug));
  }
});

test("valueCode keeps surrounding spaces", () => {
  const markup = String(valueCode(" +h "));
  assert.ok(markup.includes('<code class="value"> +h </code>'), markup);
});
