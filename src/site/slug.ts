/** Maximum slug length, below the 255-byte file name limit of common file systems. */
export const MAX_SLUG_LENGTH = 200;

/**
 * Returns why `slug` cannot name a page file, or undefined when it can.
 * The catalog makes slugs from file names, but a page path is built from
 * the slug, so it is checked again here: a slug must stay one file name
 * inside the output folder on every platform.
 */
export function slugProblem(slug: string): string | undefined {
  if (slug.length === 0) return "the slug is empty";
  if (slug.length > MAX_SLUG_LENGTH) {
    return `the slug is longer than ${MAX_SLUG_LENGTH} characters`;
  }
  if (slug.startsWith(".")) return "the slug starts with a dot";
  if (slug.includes("..")) return 'the slug contains ".."';
  for (const character of slug) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      return "the slug contains a control character";
    }
    if (character === "/" || character === "\\" || character === ":") {
      return `the slug contains "${character}"`;
    }
  }
  return undefined;
}

export function isSafeSlug(slug: string): boolean {
  return slugProblem(slug) === undefined;
}
