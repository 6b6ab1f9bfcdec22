/** `permit-registry start`: runs the registry until interrupted. */
import path from "node:path";
import type { Command } from "commander";

export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description("run the registry: REST API, web pages, embedded chain and storage (or RPC_URL / DATABASE_URL)")
    .option("--port <port>", "TCP port (PORT)")
    .option("--host <host>", "interface to bind (HOST)")
    .option("--data-dir <dir>", "state directory (DATA_DIR)")
    .action(async (opts: { port?: string; host?: string; dataDir?: string }) => {
      // Loaded here, not at the top: every other command starts in half the time.
      const { ConfigError } = await import("../service/config");
      const { startService } = await import("../service/server");
      try {
        const service = await startService({
          overrides: { PORT: opts.port, HOST: opts.host, DATA_DIR: opts.dataDir },
          webDir: path.join(__dirname, "..", "web", "public"),
        });
        console.log("");
        console.log(`permit-registry is running at ${service.url}`);
        console.log(`  verify page:   ${service.url}/verify`);
        console.log(`  API docs:      ${service.url}/docs (OpenAPI: ${service.url}/openapi.json)`);
        console.log(`  data dir:      ${service.config.dataDir}`);
        if (service.credentialsFile) console.log(`  demo logins:   ${service.credentialsFile} (bearer tokens per country and role)`);
        console.log("Press Ctrl+C to stop.");
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`\n${signal}: stopping (finishing the outbox run${service.config.chain.kind === "embedded" ? ", saving the chain state" : ""})...`);
          await service.stop();
          process.exit(0);
        };
        process.on("SIGINT", () => void stop("SIGINT"));
        process.on("SIGTERM", () => void stop("SIGTERM"));
      } catch (err) {
        if (err instanceof ConfigError) console.error(err.message);
        else console.error(`Could not start: ${(err as Error).message}`);
        process.exit(1);
      }
    });
}
