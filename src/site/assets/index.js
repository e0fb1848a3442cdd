// Filters the rule index by text and source. The filter state is kept in
// the address (?q=...&source=...), so a breadcrumb link can open the index
// filtered to one source.
"use strict";

(function () {
  const form = document.getElementById("filters");
  const input = document.getElementById("filter-text");
  const select = document.getElementById("filter-source");
  const status = document.getElementById("filter-status");
  if (!form || !input || !select || !status) return;

  // Rows are looked up once, because a catalog index can hold thousands.
  const groups = Array.from(
    document.querySelectorAll("section.source-group"),
    (section) => ({
      section,
      count: section.querySelector(".count"),
      rows: Array.from(section.querySelectorAll("tr[data-search]"), (row) => ({
        row,
        text: row.dataset.search || "",
      })),
    }),
  );
  const total = groups.reduce((sum, group) => sum + group.rows.length, 0);

  function apply() {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const source = select.value;
    let visibleCount = 0;

    for (const { section, count, rows } of groups) {
      const sourceMatches = source === "" || section.dataset.source === source;
      let groupShown = 0;
      for (const { row, text } of rows) {
        const visible =
          sourceMatches && words.every((word) => text.includes(word));
        row.hidden = !visible;
        if (visible) groupShown += 1;
      }
      section.hidden = groupShown === 0;
      if (count) {
        const all = Number(count.dataset.total);
        const noun = all === 1 ? "rule" : "rules";
        count.textContent =
          groupShown === all
            ? `(${all} ${noun})`
            : `(${groupShown} of ${all} ${noun})`;
      }
      visibleCount += groupShown;
    }

    status.textContent = `Showing ${visibleCount} of ${total} rules`;
    const params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    if (source) params.set("source", source);
    const query = params.toString();
    history.replaceState(
      null,
      "",
      (query ? `?${query}` : location.pathname) + location.hash,
    );
  }

  const initial = new URLSearchParams(location.search);
  input.value = initial.get("q") || "";
  const initialSource = initial.get("source") || "";
  if (Array.from(select.options).some((o) => o.value === initialSource)) {
    select.value = initialSource;
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("input", apply);
  select.addEventListener("change", apply);
  apply();
})();
