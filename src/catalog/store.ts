import { statSync } from "node:fs";
import Database from "better-sqlite3";
import type { Diagnostic } from "../core/diagnostic.ts";
import type { SourceKind } from "../core/rule.ts";
import type { CatalogEntry, CatalogReader, RuleSummary } from "./entry.ts";

/** Bumped whenever the tables below change shape. */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rules (
  slug TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  repository TEXT NOT NULL,
  path TEXT NOT NULL,
  title TEXT NOT NULL,
  language TEXT,
  status TEXT,
  errors INTEGER NOT NULL,
  techniques TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX rules_source ON rules (source);
CREATE INDEX rules_id ON rules (id);
CREATE TABLE techniques (
  slug TEXT NOT NULL REFERENCES rules (slug),
  technique_id TEXT NOT NULL,
  declared_id TEXT NOT NULL,
  name TEXT NOT NULL,
  tactic TEXT
);
CREATE INDEX techniques_id ON techniques (technique_id);
CREATE TABLE predicates (
  slug TEXT NOT NULL REFERENCES rules (slug),
  predicate INTEGER NOT NULL,
  field TEXT NOT NULL,
  canonical_field TEXT,
  kind TEXT NOT NULL,
  value TEXT,
  role TEXT NOT NULL,
  negated INTEGER NOT NULL,
  stage INTEGER NOT NULL
);
CREATE INDEX predicates_key ON predicates (canonical_field, kind, value);
CREATE TABLE search_terms (
  slug TEXT NOT NULL REFERENCES rules (slug),
  text TEXT NOT NULL,
  directive TEXT,
  role TEXT NOT NULL,
  stage INTEGER NOT NULL
);
CREATE TABLE events (
  slug TEXT NOT NULL REFERENCES rules (slug),
  provider TEXT NOT NULL,
  event_id INTEGER,
  title TEXT NOT NULL
);
CREATE INDEX events_key ON events (provider, event_id);
CREATE TABLE rule_references (
  slug TEXT NOT NULL REFERENCES rules (slug),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT
);
CREATE TABLE diagnostics (
  slug TEXT,
  file TEXT,
  line INTEGER,
  column INTEGER,
  severity TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE VIRTUAL TABLE rules_text USING fts5 (slug UNINDEXED, title, description, query, techniques);
`;

/** Writes a new catalog database. The caller owns the file and its folder. */
export class CatalogWriter {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec(SCHEMA);
    this.setMeta("schema_version", String(SCHEMA_VERSION));
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
      .run(key, value);
  }

  /** Inserts all entries in one transaction. */
  addEntries(entries: readonly CatalogEntry[]): void {
    const insertRule = this.db.prepare(
      `INSERT INTO rules (slug, id, source, repository, path, title, language, status, errors, techniques, entry)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTechnique = this.db.prepare(
      "INSERT INTO techniques (slug, technique_id, declared_id, name, tactic) VALUES (?, ?, ?, ?, ?)",
    );
    const insertPredicate = this.db.prepare(
      `INSERT INTO predicates (slug, predicate, field, canonical_field, kind, value, role, negated, stage)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTerm = this.db.prepare(
      "INSERT INTO search_terms (slug, text, directive, role, stage) VALUES (?, ?, ?, ?, ?)",
    );
    const insertEvent = this.db.prepare(
      "INSERT INTO events (slug, provider, event_id, title) VALUES (?, ?, ?, ?)",
    );
    const insertReference = this.db.prepare(
      "INSERT INTO rule_references (slug, kind, name, status) VALUES (?, ?, ?, ?)",
    );
    const insertText = this.db.prepare(
      "INSERT INTO rules_text (slug, title, description, query, techniques) VALUES (?, ?, ?, ?, ?)",
    );
    const insertAll = this.db.transaction((list: readonly CatalogEntry[]) => {
      for (const entry of list) {
        const { rule, analysis } = entry;
        const errors = [...rule.diagnostics, ...analysis.diagnostics].filter(
          (diagnostic) => diagnostic.severity === "error",
        ).length;
        insertRule.run(
          rule.slug,
          rule.id,
          rule.source,
          rule.repository,
          rule.path,
          rule.displayTitle,
          rule.language ?? null,
          rule.status ?? null,
          errors,
          JSON.stringify(entry.techniques.map((technique) => technique.id)),
          JSON.stringify(entry),
        );
        for (const technique of entry.techniques) {
          const tactics =
            technique.tactics.length > 0 ? technique.tactics : [null];
          for (const tactic of tactics) {
            insertTechnique.run(
              rule.slug,
              technique.id,
              technique.declaredId,
              technique.name,
              tactic,
            );
          }
        }
        analysis.predicates.forEach((predicate, index) => {
          const values =
            predicate.values.length > 0 ? predicate.values : [null];
          for (const value of values) {
            insertPredicate.run(
              rule.slug,
              index,
              predicate.field,
              predicate.canonicalField ?? null,
              predicate.kind,
              value,
              predicate.role,
              predicate.negated ? 1 : 0,
              predicate.stage,
            );
          }
        });
        for (const term of analysis.searchTerms) {
          insertTerm.run(
            rule.slug,
            term.text,
            term.directive ?? null,
            term.role,
            term.stage,
          );
        }
        for (const event of entry.events) {
          insertEvent.run(
            rule.slug,
            event.provider,
            event.eventId ?? null,
            event.title,
          );
        }
        for (const reference of analysis.references) {
          insertReference.run(
            rule.slug,
            reference.kind,
            reference.name,
            reference.status ?? null,
          );
        }
        // Technique ids, declared and current, and names make rules findable
        // by `T1046` or `Network Service Discovery`.
        const techniqueText = entry.techniques
          .map(
            (technique) =>
              `${technique.declaredId} ${technique.id} ${technique.name}`,
          )
          .join(" ");
        insertText.run(
          rule.slug,
          rule.displayTitle,
          rule.description,
          rule.query,
          techniqueText,
        );
      }
    });
    insertAll(entries);
  }

  addDiagnostics(
    list: readonly Diagnostic[],
    slugOf: (diagnostic: Diagnostic) => string | undefined,
  ): void {
    const insert = this.db.prepare(
      "INSERT INTO diagnostics (slug, file, line, column, severity, code, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const insertAll = this.db.transaction(() => {
      for (const diagnostic of list) {
        insert.run(
          slugOf(diagnostic) ?? null,
          diagnostic.file ?? null,
          diagnostic.line ?? null,
          diagnostic.column ?? null,
          diagnostic.severity,
          diagnostic.code,
          diagnostic.message,
        );
      }
    });
    insertAll();
  }

  close(): void {
    this.db.close();
  }
}

interface RuleRow {
  slug: string;
  id: string;
  source: SourceKind;
  path: string;
  title: string;
  language: string | null;
  errors: number;
  techniques: string;
}

/** Opens a built catalog read-only. */
export function openCatalog(
  path: string,
): CatalogReader & { meta(key: string): string | undefined } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const summaryColumns =
    "slug, id, source, path, title, language, errors, techniques";
  const toSummary = (row: RuleRow): RuleSummary => ({
    slug: row.slug,
    id: row.id,
    title: row.title,
    source: row.source,
    language: row.language ?? undefined,
    path: row.path,
    techniques: JSON.parse(row.techniques) as string[],
    errors: row.errors,
  });
  return {
    listRules(filter = {}) {
      const conditions: string[] = [];
      const parameters: string[] = [];
      if (filter.source) {
        conditions.push("source = ?");
        parameters.push(filter.source);
      }
      if (filter.text && filter.text.trim() !== "") {
        // The text matches words of the title, description, query and
        // techniques, or a rule's exact slug or id.
        conditions.push(
          "(slug IN (SELECT slug FROM rules_text WHERE rules_text MATCH ?) OR slug = ? OR id = ?)",
        );
        parameters.push(
          ftsPhrase(filter.text),
          filter.text.trim(),
          filter.text.trim(),
        );
      }
      const where =
        conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      const rows = db
        .prepare(
          `SELECT ${summaryColumns} FROM rules ${where} ORDER BY source, title, slug`,
        )
        .all(...parameters) as RuleRow[];
      return rows.map(toSummary);
    },
    findRulesById(id) {
      const rows = db
        .prepare(
          `SELECT ${summaryColumns} FROM rules WHERE id = ? ORDER BY slug`,
        )
        .all(id) as RuleRow[];
      return rows.map(toSummary);
    },
    getRule(slug) {
      const row = db
        .prepare("SELECT entry FROM rules WHERE slug = ?")
        .get(slug) as { entry: string } | undefined;
      return row ? (JSON.parse(row.entry) as CatalogEntry) : undefined;
    },
    meta(key) {
      const row = db
        .prepare("SELECT value FROM meta WHERE key = ?")
        .get(key) as { value: string } | undefined;
      return row?.value;
    },
    close() {
      db.close();
    },
  };
}

/**
 * Quotes user text as one FTS5 string so that its words are searched as
 * written and FTS5 operators in it have no effect.
 */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * Opens a built catalog and reopens it whenever the file at `path` is
 * replaced, as a new build does by renaming a new catalog folder into
 * place, so a running server never reads a deleted database.
 */
export function openFollowingCatalog(path: string): CatalogReader {
  let identity = fileIdentity(path);
  let current = openCatalog(path);
  const fresh = () => {
    const now = fileIdentity(path);
    if (now !== undefined && now !== identity) {
      current.close();
      current = openCatalog(path);
      identity = now;
    }
    return current;
  };
  return {
    listRules: (filter) => fresh().listRules(filter),
    getRule: (slug) => fresh().getRule(slug),
    findRulesById: (id) => fresh().findRulesById(id),
    close: () => current.close(),
  };
}

function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
