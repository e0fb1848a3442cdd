/**
 * Escaping for every place rule text lands in a page. Pages are built only
 * with the `html` tagged template, which escapes each interpolated value, so
 * text from a rule repository (untrusted input) never becomes markup.
 */

/** Markup that is already safe to insert: built by `html` or escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** A URL checked for its context: an http(s) link or a relative site path. */
export class SafeUrl {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue =
  | SafeHtml
  | SafeUrl
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for an HTML text node. Quotes are escaped too, so the result
 * is also safe inside a quoted attribute value.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (character) => TEXT_ESCAPES[character]);
}

/**
 * Escapes text for a quoted attribute value. Control characters become
 * numeric references, so attribute values stay on one line.
 */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(
    /[\u0000-\u001f\u007f]/g,
    (character) => `&#${character.charCodeAt(0)};`,
  );
}

/**
 * Returns the normalised URL when `text` is an absolute http or https URL,
 * else undefined. Other schemes (`javascript:`, `data:`, `file:`) and
 * relative paths are never links, because a rule's references are untrusted.
 */
export function externalUrl(text: string): SafeUrl | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return new SafeUrl(url.href);
}

/**
 * Builds a relative URL from a prefix our own code wrote (such as `../`)
 * and path segments that may come from rule data. Each segment is
 * percent-encoded, so it cannot add a path step, a query or a fragment.
 */
export function sitePath(prefix: string, ...segments: string[]): SafeUrl {
  return new SafeUrl(prefix + segments.map(encodeURIComponent).join("/"));
}

/** Adds a query string and a fragment, both percent-encoded, to a site URL. */
export function withQuery(
  url: SafeUrl,
  query: Record<string, string>,
  fragment?: string,
): SafeUrl {
  const search = new URLSearchParams(query).toString();
  const hash = fragment !== undefined ? `#${encodeURIComponent(fragment)}` : "";
  return new SafeUrl(`${url.value}${search ? `?${search}` : ""}${hash}`);
}

/** Wraps markup written by our own code, never rule text. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

// Attribute names whose value the browser loads or follows as a URL.
const URL_ATTRIBUTE = /\s(?:href|src|action|formaction)=["']$/i;
// A template part that ends inside a quoted attribute value.
const OPEN_ATTRIBUTE = /=["'][^"']*$/;

/**
 * Tagged template for markup. Every interpolated value is escaped unless it
 * is `SafeHtml`; arrays are joined; `null`, `undefined` and `false` render
 * as nothing. Attribute values in the template must be quoted. A value in
 * a URL attribute must be a `SafeUrl`, and a plain string there throws,
 * because escaping alone does not stop `javascript:` URLs.
 */
export function html(
  strings: TemplateStringsArray,
  ...values: HtmlValue[]
): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (URL_ATTRIBUTE.test(strings[i]) && !(value instanceof SafeUrl)) {
      throw new TypeError(
        `html: the value after "${strings[i].slice(-20)}" must be a SafeUrl`,
      );
    }
    const escape = OPEN_ATTRIBUTE.test(strings[i])
      ? escapeAttribute
      : escapeText;
    out += render(value, escape) + strings[i + 1];
  }
  return new SafeHtml(out);
}

function render(value: HtmlValue, escape: (text: string) => string): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (value instanceof SafeUrl) return escapeAttribute(value.value);
  if (Array.isArray(value)) {
    return value.map((item) => render(item, escape)).join("");
  }
  return escape(String(value));
}

/**
 * Renders `text` as a link when `url` is an http or https URL, else as
 * plain text with a class that marks it as not followed.
 */
export function link(url: string, text: string = url): SafeHtml {
  const href = externalUrl(url);
  if (!href) return html`<span class="not-link">${text}</span>`;
  return html`<a href="${href}" rel="noopener noreferrer nofollow">${text}</a>`;
}
