import { pino, destination, type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Creates the one logger the CLI and server write through. Library code
 * never logs: it returns diagnostics. On a terminal the output is a readable
 * line per message on stderr, elsewhere one JSON object per line.
 */
export function createLogger(
  level = process.env.RULEATLAS_LOG ?? "info",
): Logger {
  if (process.stderr.isTTY) {
    const stream = pretty({
      destination: 2,
      sync: true,
      ignore: "pid,hostname",
      translateTime: "HH:MM:ss",
    });
    return pino({ level }, stream);
  }
  return pino({ level }, destination({ dest: 2, sync: true }));
}

export type { Logger };
