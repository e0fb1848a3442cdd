#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { BuildError, buildCatalog } from "../catalog/build.ts";
import { formatDiagnostic } from "../core/diagnostic.ts";
import { createLogger } from "../core/logger.ts";
import { SOURCE_KINDS, type SourceKind } from "../core/rule.ts";
import type { MacroLibrary } from "../languages/registry.ts";
import { loadMacroDirectory } from "../languages/spl/macros.ts";
import { registerAll } from "../setup.ts";
import { runExplain } from "./explain.ts";
import { createProgressDisplay } from "./progress.ts";
import { runServe } from "./serve.ts";
import { plural } from "../core/text.ts";

const logger = createLogger();

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

function parseSource(value: string): SourceKind {
  if (!(SOURCE_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `expected one of ${SOURCE_KINDS.join(", ")}.`,
    );
  }
  return value as SourceKind;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError("expected a whole number from 0 to 65535.");
  }
  return port;
}

/** Loads macro definitions for --macros; a folder that cannot be read fails the command. */
function loadMacros(dir: string): MacroLibrary {
  const result = loadMacroDirectory(dir);
  for (const diagnostic of result.diagnostics) {
    if (diagnostic.severity === "error" && diagnostic.file === dir) {
      throw new BuildError(diagnostic.message);
    }
    logger.warn(formatDiagnostic(diagnostic));
  }
  return result.value;
}

const sourceOption = (description: string) =>
  new Option(
    "-s, --source <kind>",
    `${description} (${SOURCE_KINDS.join(", ")})`,
  ).argParser(parseSource);

const program = new Command()
  .name("ruleatlas")
  .description("Build, serve and explain a catalog of detection rules.")
  .version(packageVersion(), "-V, --version", "print the RuleAtlas version")
  .showHelpAfterError("(run with --help for usage)");

program
  .command("build")
  .description(
    "Read rule repositories, analyse every rule and write the catalog.",
  )
  .argument("<dir...>", "rule repository folders, or folders that contain them")
  .requiredOption(
    "-o, --out <dir>",
    "catalog folder to write; replaced only when the build completes",
  )
  .addOption(
    sourceOption("repository format of every input, instead of detecting it"),
  )
  .option(
    "--macros <dir>",
    "extra Splunk macro definitions, one YAML file per macro",
  )
  .action(
    (
      dirs: string[],
      options: { out: string; source?: SourceKind; macros?: string },
    ) => {
      logger.info(`build started: ${dirs.join(" ")} into ${options.out}`);
      const progress = createProgressDisplay();
      let summary;
      try {
        summary = buildCatalog({
          inputs: dirs,
          outDir: options.out,
          source: options.source,
          macros:
            options.macros === undefined
              ? undefined
              : loadMacros(options.macros),
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
      }
      const seconds = (summary.durationMs / 1000).toFixed(1);
      logger.info(
        `build finished in ${seconds} s: ${plural(summary.rulesRead, "rule")} read, ` +
          `${summary.rulesAnalysed} analysed, ${summary.rulesWithErrors} with errors, ` +
          `${plural(summary.filesSkipped, "file")} skipped, ${plural(summary.filesFailed, "file")} unreadable`,
      );
      for (const repository of summary.repositories) {
        logger.info(
          `${repository.kind} ${repository.path}: ${plural(repository.rules, "rule")} read, ${plural(repository.skipped, "file")} skipped, ${plural(repository.failed, "file")} unreadable`,
        );
      }
      const kinds = Object.entries(summary.diagnosticsByKind).sort(
        (a, b) => b[1] - a[1],
      );
      for (const [kind, count] of kinds)
        logger.info(`diagnostics: ${count} ${kind}`);
      logger.info(
        `catalog written to ${summary.outDir}; every diagnostic is listed in ${summary.reportFile}`,
      );
    },
  );

program
  .command("serve")
  .description(
    "Serve a built catalog's site and read-only JSON API until interrupted.",
  )
  .argument("<dir>", "catalog folder written by `ruleatlas build`")
  .option(
    "-p, --port <port>",
    "TCP port to listen on; 0 picks a free port",
    parsePort,
    8080,
  )
  .option("--host <address>", "address to bind", "127.0.0.1")
  .action(async (dir: string, options: { port: number; host: string }) => {
    await runServe({ dir, port: options.port, host: options.host, logger });
  });

program
  .command("explain")
  .description(
    "Analyse one rule file, or a query on standard input when FILE is -, and print the analysis.",
  )
  .argument("<file>", "rule file, or - to read a query from standard input")
  .option(
    "-l, --language <id>",
    "query language of standard input: spl or sigma",
  )
  .addOption(sourceOption("rule file format, instead of detecting it"))
  .option(
    "--macros <dir>",
    "Splunk macro definitions to expand, one YAML file per macro",
  )
  .option("--json", "print the analysis as JSON instead of text")
  .action(
    (
      file: string,
      options: {
        language?: string;
        source?: SourceKind;
        macros?: string;
        json?: boolean;
      },
    ) => {
      process.exitCode = runExplain(file, {
        language: options.language,
        source: options.source,
        json: options.json,
        macros:
          options.macros === undefined ? undefined : loadMacros(options.macros),
      });
    },
  );

registerAll();
program.parseAsync(process.argv).catch((error: unknown) => {
  // Failures are reported as one line; the stack trace is for debugging
  // (RULEATLAS_LOG=debug) because these are almost always bad input.
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    logger.error(`${message}: the port is in use; choose another with --port.`);
  } else {
    logger.error(message);
  }
  logger.debug({ err: error }, "failure details");
  process.exitCode = 1;
});
