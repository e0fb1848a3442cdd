import { html, sitePath, type SafeHtml } from "./html.ts";

/** Facts about one build, shown in page footers and on the index. */
export interface SiteInfo {
  /** Site name, shown in page titles and the header. */
  title: string;
  /** When the catalog was built, as an ISO 8601 timestamp. */
  builtAt: string;
  /** ATT&CK Enterprise version that technique names come from, such as `19.0`. */
  attackVersion: string;
  /** Build totals shown on the index page, when the build has them. */
  counts?: {
    /** Files skipped because they are not rules. */
    filesSkipped?: number;
    /** Diagnostics of the whole build, across all rules and files. */
    diagnostics?: number;
  };
}

/**
 * Wraps a page body in the shared document shell. `root` is the relative
 * path from the page to the site folder (`""` or `"../"`), so the site works
 * from any folder of a static host.
 */
export function renderDocument(options: {
  title: string;
  root: string;
  info: SiteInfo;
  body: SafeHtml;
  scripts?: string[];
}): string {
  const { info, root } = options;
  const scripts = (options.scripts ?? []).map(
    (name) =>
      html`<script src="${sitePath(root, "assets", name)}" defer></script>`,
  );
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${options.title}</title>
        <link rel="stylesheet" href="${sitePath(root, "assets", "site.css")}" />
        <link rel="icon" href="${sitePath(root, "assets", "favicon.svg")}" />
        ${scripts}
      </head>
      <body>
        <header class="site-header">
          <a href="${sitePath(root, "index.html")}">${info.title}</a>
        </header>
        <main>${options.body}</main>
        <footer class="site-footer">
          Built ${info.builtAt} · ATT&amp;CK Enterprise ${info.attackVersion}
        </footer>
      </body>
    </html> `;
  return page.value;
}
