/**
 * Matches a condition pattern such as `selection_*` or `sel*main` against an
 * identifier. `*` matches any run of characters, at any position; every
 * other character matches itself. The condition resolver and the tests use
 * this one matcher so that they cannot disagree.
 */
export function matchesGlob(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starPattern = -1;
  let starName = 0;

  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== "*" && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starPattern = p++;
      starName = n;
    } else if (starPattern >= 0) {
      p = starPattern + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * Resolves an `x of` target to identifiers in declaration order. `them`
 * names every identifier except those starting with `_`, which the Sigma
 * specification reserves for helper selections added by tooling.
 */
export function resolveTarget(
  target: string,
  identifiers: readonly string[],
): string[] {
  if (target === "them")
    return identifiers.filter((name) => !name.startsWith("_"));
  return identifiers.filter((name) => matchesGlob(target, name));
}
