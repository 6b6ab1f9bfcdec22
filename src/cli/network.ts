import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import {
  DEFAULTS, deployToRpc, formatNetworkStatus, networkDown, networkReset, networkStatus, networkUp, proposeValidator, removeValidator,
  startValidator, stopValidator,
} from "../network";

/**
 * `permit-registry network …`: a local go-ethereum Clique network for researchers. Thin wiring over
 * src/network/commands.ts; results go to stdout, progress to stderr.
 */

const integer = (what: string, min = 0) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`);
  return n;
};
const bigint = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("must be a whole number.");
  return BigInt(value);
};

type Common = { name: string; stateDir: string };
const common = (o: Common) => ({ name: o.name, stateRoot: o.stateDir });

/** A word a POSIX shell reads back as is: quoted when it holds anything but letters, digits and `/._-:@=+,`. */
export function shellWord(word: string): string {
  return /^[\w/.\-:@=+,]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The service's environment for a deployment: DEPLOYMENTS_DIR only when the record is not under ./deployments. */
export function serviceEnv(rpcUrl: string, name: string, deploymentsDir: string): string {
  const absolute = path.resolve(deploymentsDir);
  const relative = path.relative(process.cwd(), absolute);
  const shown = relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative || ".";
  const dir = absolute === path.resolve("deployments") ? "" : ` DEPLOYMENTS_DIR=${shellWord(shown)}`;
  return `RPC_URL=${rpcUrl} DEPLOYMENT=${name}${dir}`;
}

export function registerNetworkCommands(program: Command): Command {
  const network = program
    .command("network")
    .description("a local proof-of-authority network (go-ethereum v1.13.15, Clique) with the registry deployed");
  const withCommon = (cmd: Command) =>
    cmd
      .option("--name <name>", "network name (state in <state-dir>/<name>, deployment record in <deployments-dir>/<name>)", DEFAULTS.name)
      .option("--state-dir <dir>", "where network state lives (git-ignored)", ".networks");

  withCommon(network.command("up"))
    .description("create N sealers, deploy the registry, admit demo countries (or restart an existing network)")
    .option("--validators <n>", "number of Clique signers", integer("--validators", 1), DEFAULTS.validators)
    .option("--period <seconds>", "seconds between blocks", integer("--period", 1), DEFAULTS.periodSeconds)
    .option("--gas-limit <gas>", "block gas limit", bigint, DEFAULTS.gasLimit)
    .option("--base-port <port>", "node i: HTTP base+i, p2p base+1000+i, engine API base+2000+i", integer("--base-port", 1), DEFAULTS.basePort)
    .option("--chain-id <id>", "chain id", integer("--chain-id", 1), DEFAULTS.chainId)
    .option("--deployments-dir <dir>", "where deployment records go", "deployments")
    .action(async (o: Common & { validators: number; period: number; gasLimit: bigint; basePort: number; chainId: number; deploymentsDir: string }, cmd: Command) => {
      const r = await networkUp({ ...common(o), validators: o.validators, periodSeconds: o.period, gasLimit: o.gasLimit, basePort: o.basePort, chainId: o.chainId, deploymentsDir: o.deploymentsDir });
      if (r.resumed) {
        // A network that exists keeps what it was created with.
        const ignored = cmd.options.filter((opt) => !["name", "stateDir"].includes(opt.attributeName()) && cmd.getOptionValueSource(opt.attributeName()) === "cli").map((opt) => opt.long);
        const stateDir = o.stateDir === ".networks" ? "" : ` --state-dir ${shellWord(o.stateDir)}`;
        if (ignored.length) console.error(`note: network ${r.state.name} exists, so ${ignored.join(", ")} changed nothing; \`network reset --name ${r.state.name}${stateDir}\` first for a new one`);
      }
      console.log(`network ${r.state.name} ${r.resumed ? "restarted" : "is up"}: chain ${r.state.chainId}, registry ${r.deployment.registry.address}`);
      r.rpcUrls.forEach((url, i) => console.log(`  node ${r.state.nodes.filter((n) => !n.removed)[i]?.index ?? i}  ${url}`));
      console.log(`deployment: ${r.deploymentFile}`);
      const keysFile = path.join(o.stateDir, r.state.name, "keys.json");
      console.log(`service:    ${serviceEnv(r.rpcUrls[0]!, r.state.name, r.state.deploymentsDir)} OFFICER_KEYS_FILE=${shellWord(keysFile)} CONFIRMATIONS=2 KEYSTORE_PASSPHRASE=… npm start`);
      console.log("            (KEYSTORE_PASSPHRASE: 12 or more characters of your own; it seals the officers' keys in the service's DATA_DIR)");
    });

  withCommon(network.command("status"))
    .description("signers, each node's head and peers, recent block times")
    .option("--blocks <n>", "recent blocks to show", integer("--blocks", 0), 10)
    .option("--json", "machine-readable output")
    .action(async (o: Common & { blocks: number; json?: boolean }) => {
      const s = await networkStatus({ ...common(o), recent: o.blocks });
      console.log(o.json ? JSON.stringify(s, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) : formatNetworkStatus(s));
    });

  withCommon(network.command("stop-validator <index>"))
    .description("stop node <index> by its recorded PID")
    .option("--kill", "SIGKILL (a crash) instead of a clean SIGTERM shutdown")
    .action(async (index: string, o: Common & { kill?: boolean }) => {
      await stopValidator({ ...common(o), index: integer("index")(index), signal: o.kill ? "SIGKILL" : "SIGTERM" });
    });

  withCommon(network.command("start-validator <index>"))
    .description("restart node <index> from its datadir and wait until it caught up")
    .action(async (index: string, o: Common) => {
      const r = await startValidator({ ...common(o), index: integer("index")(index) });
      console.log(`node ${r.index} running (pid ${r.pid}) on ${r.rpcUrl}`);
    });

  withCommon(network.command("propose-validator"))
    .description("add a new node and vote its signer in (clique_propose … true on every signer)")
    .action(async (o: Common) => {
      const r = await proposeValidator(common(o));
      console.log(`node ${r.index} (${r.signer}) is a signer; ${r.signers.length} signers; RPC ${r.rpcUrl}`);
    });

  withCommon(network.command("remove-validator <index>"))
    .description("vote node <index>'s signer out (clique_propose … false), then stop it")
    .action(async (index: string, o: Common) => {
      const r = await removeValidator({ ...common(o), index: integer("index")(index) });
      console.log(`node ${r.index} (${r.signer}) removed; ${r.signers.length} signers left`);
    });

  network
    .command("deploy")
    .description("deploy the registry to any EVM JSON-RPC endpoint (e.g. Besu QBFT); key from GOVERNANCE_PRIVATE_KEY")
    .requiredOption("--rpc-url <url>", "JSON-RPC endpoint")
    .requiredOption("--name <name>", "deployment name (deployments/<name>/deployment.json)")
    .option("--admit <country=admin...>", "admit a country with its authority admin address, e.g. CH=0xAbc…", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--deployments-dir <dir>", "where deployment records go", "deployments")
    .action(async (o: { rpcUrl: string; name: string; admit: string[]; deploymentsDir: string }) => {
      const key = process.env.GOVERNANCE_PRIVATE_KEY;
      if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new InvalidArgumentError("set GOVERNANCE_PRIVATE_KEY to the governance account's 0x-prefixed private key");
      const admit: Record<string, `0x${string}`> = {};
      for (const pair of o.admit) {
        const m = /^([A-Z]{2})=(0x[0-9a-fA-F]{40})$/.exec(pair);
        if (!m) throw new InvalidArgumentError(`--admit ${pair}: expected CC=0xAdminAddress`);
        admit[m[1]] = m[2] as `0x${string}`;
      }
      const r = await deployToRpc({ rpcUrl: o.rpcUrl, name: o.name, governancePrivateKey: key as `0x${string}`, admit, deploymentsDir: o.deploymentsDir });
      console.log(`service: ${serviceEnv(o.rpcUrl, o.name, o.deploymentsDir)} KEYSTORE_PASSPHRASE=… npm start`);
    });

  withCommon(network.command("down"))
    .description("stop the nodes this network started (by recorded PID); state is kept")
    .action(async (o: Common) => {
      await networkDown(common(o));
    });

  withCommon(network.command("reset"))
    .description("down, then delete the network's state and its deployment record")
    .action(async (o: Common) => {
      await networkReset(common(o));
    });

  return network;
}
