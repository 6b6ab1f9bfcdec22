/**
 * `permit-registry deploy --network <name>`: runs `hardhat run scripts/deploy.ts` as a child
 * process, streams its output, and prints the deployment record it wrote.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { readDeployment } from "../../sdk/chain/deployment";
import { EXIT, OutcomeError, UsageError } from "../lib/errors";
import { printJson } from "../lib/output";
import { action } from "../lib/run";

/** The repository root (src/cli/commands → ../../..). */
const ROOT = path.resolve(__dirname, "..", "..", "..");

type Options = { network: string; config?: string; json?: boolean };

export function registerDeployCommand(program: Command): void {
  program
    .command("deploy")
    .description("deploy the PermitRegistry with scripts/deploy.ts (hardhat) and record it in deployments/<network>/deployment.json")
    .requiredOption("--network <name>", "a network from hardhat.config.ts (e.g. localhost)")
    .option("--config <file>", "deploy configuration: governance, countries (DEPLOY_CONFIG; default scripts/deploy.config.json)")
    .option("--json", "print the deployment record as JSON (hardhat's output goes to stderr)")
    .action(
      action(async (opts: Options) => {
        if (!/^[A-Za-z0-9_-]+$/.test(opts.network)) throw new UsageError(`--network "${opts.network}" is not a network name.`);
        const hardhat = path.join(ROOT, "node_modules", ".bin", "hardhat");
        if (!existsSync(hardhat)) throw new UsageError(`hardhat is not installed at ${hardhat}; run \`npm install\` first.`);
        const env = { ...process.env, ...(opts.config ? { DEPLOY_CONFIG: path.resolve(opts.config) } : {}) };
        const code = await run(hardhat, ["run", "scripts/deploy.ts", "--network", opts.network], { cwd: ROOT, env, quietStdout: Boolean(opts.json) });
        if (code !== 0) throw new OutcomeError(`hardhat run scripts/deploy.ts --network ${opts.network} exited with code ${code}.`);
        const record = readDeployment(opts.network, path.join(ROOT, "deployments"));
        if (opts.json) printJson(record);
        else console.log(`\ndeployed: registry ${record.registry.address} on chain ${record.chainId} (block ${record.registry.blockNumber}); record in deployments/${opts.network}/deployment.json`);
        return EXIT.OK;
      }),
    );
}

/** Runs a child with its output streamed (stdout to our stderr when `quietStdout`); resolves its exit code. */
function run(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; quietStdout: boolean }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ["inherit", options.quietStdout ? "pipe" : "inherit", "inherit"] });
    child.stdout?.pipe(process.stderr);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (cause) => reject(new UsageError(`Could not run ${cmd}: ${cause.message}`, { cause })));
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
