import type { Logger } from "../core/logger.ts";
import { startServer } from "../server/server.ts";

/**
 * Serves a catalog until SIGINT or SIGTERM, then closes the server so
 * open connections end and the stop is logged.
 */
export async function runServe(options: {
  dir: string;
  port: number;
  host: string;
  logger: Logger;
}): Promise<void> {
  const server = await startServer(options);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
}
