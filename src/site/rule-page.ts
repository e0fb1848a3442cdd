import type { CatalogEntry, TechniqueRef } from "../catalog/entry.ts";
import type { RuleRecord } from "../core/rule.ts";
import { findLanguage } from "../languages/registry.ts";
import { analysisSections, diagnosticsSection } from "./analysis-sections.ts";
import { orderTactics, sourceLabel, techniqueLabel } from "./format.ts";
import {
  html,
  link,
  sitePath,
  withQuery,
  type HtmlValue,
  type SafeHtml,
} from "./html.ts";
import { renderDocument, type SiteInfo } from "./layout.ts";
import { missing, section, table } from "./section.ts";

/**
 * Renders the page of one rule. The page lives in `rules/`, one folder
 * below the site root. Sections appear in a fixed order, each with an id.
 */
export function renderRulePage(entry: CatalogEntry, info: SiteInfo): string {
  const { rule } = entry;
  const body = html`${breadcrumb(rule)}
    <h1 id="title">${rule.displayTitle || rule.title || rule.id}</h1>
    ${descriptionSection(rule)}
    ${metadataSection(rule, entry.analysis.language)}
    ${attackSection(entry.techniques, entry.tactics ?? [])}
    ${referencesSection(rule.references)} ${eventsSection(entry)}
    ${ruleBodySection(rule)} ${analysisSections(entry)}
    ${diagnosticsSection(entry)}`;

  return renderDocument({
    title: `${rule.displayTitle || rule.title || rule.id} · ${info.title}`,
    root: "../",
    info,
    body,
  });
}

function breadcrumb(rule: RuleRecord): SafeHtml {
  const sourceHref = withQuery(
    sitePath("../", "index.html"),
    { source: rule.source },
    `source-${rule.source}`,
  );
  return html`<nav id="breadcrumb" aria-label="Breadcrumb">
    <a href="${sitePath("../", "index.html")}">Catalog</a> ›
    <a href="${sourceHref}">${sourceLabel(rule.source)}</a>
  </nav>`;
}

function descriptionSection(rule: RuleRecord): SafeHtml {
  const paragraphs = rule.description
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => html`<p>${paragraph}</p>`);
  const content = paragraphs.length > 0 ? html`${paragraphs}` : undefined;
  return section("description", "Description", content);
}

function metadataSection(rule: RuleRecord, analysedLanguage: string): SafeHtml {
  const languageId = rule.language ?? analysedLanguage;
  const language = languageId
    ? (findLanguage(languageId)?.name ?? languageId)
    : undefined;
  const rows: [string, SafeHtml | string | undefined][] = [
    ["Repository", rule.repository],
    ["Path", html`<code>${rule.path}</code>`],
    ["Id", html`<code>${rule.id}</code>`],
    ["Source", sourceLabel(rule.source)],
    ["Status", rule.status],
    ["Severity", rule.severity],
    ["Type", rule.type],
    ["Author", rule.author],
    ["Date", rule.date],
    ["Modified", rule.modified],
    ["Language", language],
    ["Data categories", joined(rule.dataCategories)],
    ["Data sources", joined(rule.dataSources)],
    ["Log source", logsourceText(rule)],
    ["How to implement", rule.howToImplement],
    ["Known false positives", joined(rule.falsePositives)],
  ];
  for (const [name, values] of Object.entries(rule.tags)) {
    rows.push([`Tag: ${name}`, joined(values)]);
  }

  const items = rows.map(
    ([name, value]) =>
      html`<dt>${name}</dt>
        <dd>${value === undefined || value === "" ? missing() : value}</dd> `,
  );
  return section(
    "metadata",
    "Metadata",
    html`<dl class="metadata">${items}</dl>`,
  );
}

function joined(values: readonly string[]): string | undefined {
  return values.length > 0 ? values.join(", ") : undefined;
}

function logsourceText(rule: RuleRecord): string | undefined {
  if (!rule.logsource) return undefined;
  const parts = Object.entries(rule.logsource)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}: ${value}`);
  return joined(parts);
}

function attackSection(
  techniques: readonly TechniqueRef[],
  declaredTactics: readonly string[],
): SafeHtml {
  const rows: HtmlValue[][] = orderTactics(techniques).map((tactic) => [
    tactic,
    techniqueList(techniques.filter((t) => t.tactics.includes(tactic))),
  ]);
  const covered = new Set(techniques.flatMap((t) => t.tactics));
  for (const tactic of declaredTactics) {
    if (!covered.has(tactic)) {
      rows.push([
        tactic,
        missing("declared without a technique of this tactic"),
      ]);
    }
  }
  const withoutTactic = techniques.filter((t) => t.tactics.length === 0);
  if (withoutTactic.length > 0) {
    rows.push([missing("no tactic known"), techniqueList(withoutTactic)]);
  }
  return section(
    "attack",
    "MITRE ATT&CK coverage",
    table(["Tactic", "Techniques"], rows),
  );
}

function techniqueList(techniques: readonly TechniqueRef[]): SafeHtml {
  const items = techniques.map((technique) => {
    const flag = technique.status
      ? html` <span class="flag flag-${technique.status}"
          >${technique.status}</span
        >`
      : undefined;
    const declared =
      technique.declaredId !== technique.id
        ? html` <span class="declared"
            >(the rule declares ${technique.declaredId}, which ATT&CK replaced
            with this technique)</span
          >`
        : undefined;
    return html`<li>${techniqueLabel(technique)}${flag}${declared}</li>`;
  });
  return html`<ul class="techniques">
    ${items}
  </ul>`;
}

function referencesSection(references: readonly string[]): SafeHtml {
  const items = references.map(
    (reference) => html`<li>${link(reference)}</li> `,
  );
  const content =
    items.length > 0
      ? html`<ul>
          ${items}
        </ul>`
      : undefined;
  return section("references", "References", content);
}

function eventsSection(entry: CatalogEntry): SafeHtml {
  const rows = entry.events.map((event) => [
    event.provider,
    event.eventId !== undefined
      ? `Event ID ${event.eventId}`
      : missing("no event id"),
    event.title,
    event.reason,
  ]);
  return section(
    "events",
    "Event coverage",
    table(["Provider", "Event", "Title", "Reason"], rows),
  );
}

function ruleBodySection(rule: RuleRecord): SafeHtml {
  const content =
    rule.body !== ""
      ? html`<pre
          class="rule-body"
          data-format="${rule.bodyFormat}"
        ><code>${rule.body}</code></pre>`
      : undefined;
  const heading = rule.bodyFormat
    ? `Rule body (${rule.bodyFormat})`
    : "Rule body";
  return section("body", heading, content);
}
