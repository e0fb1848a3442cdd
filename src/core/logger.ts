import { pino, destination, type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Creates the one logger the CLI and server write through. Library code
 * never logs: it returns diagnostics. Output goes to stderr as one readable
 * line per message, coloured on a terminal; set RULEATLAS_LOG_FORMAT=json
 * for one JSON object per line, for log collectors.
 */
export function createLogger(
  level = process.env.RULEATLAS_LOG ?? "info",
): Logger {
  if (process.env.RULEATLAS_LOG_FORMAT === "json") {
    return pino({ level }, destination({ dest: 2, sync: true }));
  }
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: Boolean(process.stderr.isTTY),
    ignore: "pid,hostname",
    translateTime: "HH:MM:ss",
  });
  return pino({ level }, stream);
}

export type { Logger };
