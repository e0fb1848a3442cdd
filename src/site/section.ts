import { html, type HtmlValue, type SafeHtml } from "./html.ts";

/**
 * Renders a page section with an id and a heading, so readers can link to
 * it and tests can find it. Without content the section shows "None".
 */
export function section(
  id: string,
  heading: string,
  content: SafeHtml | undefined,
  intro?: string,
): SafeHtml {
  const body = content ?? html`<p class="none">None</p>`;
  const lead = intro ? html`<p class="intro">${intro}</p>` : undefined;
  return html`<section id="${id}">
    <h2>${heading}</h2>
    ${lead}${body}
  </section> `;
}

/**
 * Renders a table, or undefined when there are no rows, so an empty table
 * becomes a section that shows "None".
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly HtmlValue[])[],
): SafeHtml | undefined {
  if (rows.length === 0) return undefined;
  const head = headers.map((header) => html`<th scope="col">${header}</th>`);
  const body = rows.map(
    (row) =>
      html`<tr>
        ${row.map((cell) => html`<td>${cell}</td>`)}
      </tr> `,
  );
  return html`<table>
    <thead>
      <tr>
        ${head}
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

/** Renders one value as code; the empty string is shown, never left blank. */
export function valueCode(value: string): SafeHtml {
  if (value === "") {
    return html`<code class="empty-value" title="empty string">""</code>`;
  }
  // Leading and trailing spaces change what a value matches, so values
  // keep their whitespace (see `code.value` in site.css).
  return html`<code class="value">${value}</code>`;
}

/** Renders several values as code separated by commas. */
export function valueList(values: readonly string[]): SafeHtml {
  const items: SafeHtml[] = [];
  values.forEach((value, i) => {
    if (i > 0) items.push(html`, `);
    items.push(valueCode(value));
  });
  return html`${items}`;
}

/** Marks a cell whose value the rule does not give. */
export function missing(text = "not given"): SafeHtml {
  return html`<span class="missing">${text}</span>`;
}
