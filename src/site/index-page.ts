import type { RuleSummary } from "../catalog/entry.ts";
import { orderSources, sourceLabel } from "./format.ts";
import { html, sitePath, type SafeHtml } from "./html.ts";
import { renderDocument, type SiteInfo } from "./layout.ts";
import { missing } from "./section.ts";
import { isSafeSlug } from "./slug.ts";
import { findLanguage } from "../languages/registry.ts";

/**
 * Renders the index: rules grouped by source with counts, and a text and
 * source filter that `assets/index.js` applies in the browser. Without
 * JavaScript the page still lists every rule.
 */
export function renderIndexPage(
  summaries: readonly RuleSummary[],
  info: SiteInfo,
): string {
  const sources = orderSources(summaries.map((summary) => summary.source));
  const groups = sources.map((source) =>
    sourceGroup(
      source,
      summaries.filter((summary) => summary.source === source),
    ),
  );
  const options = sources.map(
    (source) => html`<option value="${source}">${sourceLabel(source)}</option>`,
  );
  const totals = buildTotals(summaries.length, info);

  const body = html`<h1 id="title">${info.title}</h1>
    <p id="totals">${totals}</p>
    <form id="filters" role="search">
      <label
        >Filter
        <input
          id="filter-text"
          type="search"
          placeholder="title, id, technique, path"
          autocomplete="off"
      /></label>
      <label
        >Source
        <select id="filter-source">
          <option value="">All sources</option>
          ${options}
        </select></label
      >
      <output id="filter-status" aria-live="polite"></output>
    </form>
    ${groups.length > 0 ? groups : html`<p class="none">None</p>`}`;

  return renderDocument({
    title: info.title,
    root: "",
    info,
    body,
    scripts: ["index.js"],
  });
}

function buildTotals(rules: number, info: SiteInfo): string {
  const parts = [`${rules} ${rules === 1 ? "rule" : "rules"}`];
  const counts = info.counts;
  if (counts?.filesSkipped !== undefined) {
    parts.push(`${counts.filesSkipped} files skipped`);
  }
  if (counts?.diagnostics !== undefined) {
    parts.push(`${counts.diagnostics} diagnostics`);
  }
  return parts.join(" · ");
}

function sourceGroup(source: string, rules: readonly RuleSummary[]): SafeHtml {
  const sorted = [...rules].sort((a, b) => a.title.localeCompare(b.title));
  const rows = sorted.map(ruleRow);
  return html`<section
    class="source-group"
    id="source-${source}"
    data-source="${source}"
  >
    <h2>
      ${sourceLabel(source)}
      <span class="count" data-total="${rules.length}"
        >(${rules.length} ${rules.length === 1 ? "rule" : "rules"})</span
      >
    </h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">Id</th>
          <th scope="col">Language</th>
          <th scope="col">Techniques</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section> `;
}

function ruleRow(rule: RuleSummary): SafeHtml {
  const searchText = [
    rule.title,
    rule.id,
    rule.slug,
    rule.path,
    ...rule.techniques,
    ...(rule.techniqueNames ?? []),
  ]
    .join(" ")
    .toLowerCase();
  // A slug that could leave the rules folder has no page, so it gets no link.
  const title = isSafeSlug(rule.slug)
    ? html`<a href="${sitePath("rules/", `${rule.slug}.html`)}"
        >${rule.title}</a
      >`
    : html`${rule.title} ${missing("no page: invalid slug")}`;
  return html`<tr data-source="${rule.source}" data-search="${searchText}">
    <td>${title}</td>
    <td><code>${rule.id}</code></td>
    <td>
      ${
        rule.language
          ? (findLanguage(rule.language)?.name ?? rule.language)
          : missing("none")
      }
    </td>
    <td>
      ${rule.techniques.length > 0 ? rule.techniques.join(", ") : missing("none")}
    </td>
    <td>${rule.errors}</td>
  </tr> `;
}
