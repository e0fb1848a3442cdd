/** Section ids of a rule page, in page order. */
export const RULE_SECTION_IDS = [
  "description",
  "metadata",
  "attack",
  "references",
  "events",
  "body",
  "stages",
  "predicates",
  "exclusions",
  "thresholds",
  "logic",
  "indicators",
  "search-terms",
  "macros-lookups",
  "diagnostics",
] as const;

/** Returns the markup of `<section id="ID">`, or throws when it is missing. */
export function sectionOf(page: string, id: string): string {
  const start = page.indexOf(`<section id="${id}">`);
  if (start === -1) throw new Error(`section #${id} not found`);
  const end = page.indexOf("</section>", start);
  return page.slice(start, end + "</section>".length);
}

/** Returns the text cells of each body row of the first table in `markup`. */
export function tableRows(markup: string): string[][] {
  const body = markup.split("<tbody>")[1]?.split("</tbody>")[0] ?? "";
  return body
    .split("</tr>")
    .filter((row) => row.includes("<td>"))
    .map((row) =>
      row
        .split("<td>")
        .slice(1)
        .map((cell) => stripTags(cell.split("</td>")[0])),
    );
}

/**
 * Removes tags, decodes the entities our escaping writes and collapses
 * whitespace runs to one space, as a browser shows text outside `<pre>`.
 */
export function stripTags(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** Collapses whitespace runs to one space, for matching markup. */
export function squash(markup: string): string {
  return markup.replace(/\s+/g, " ").replace(/> </g, "><");
}
