import { PermitRegistryError } from "../sdk/errors";

/**
 * Failures of the local proof-of-authority network tooling, one class per thing an operator (or a
 * test) may want to handle, each with a literal `name`, a one-line `shortMessage` and what to do.
 */

/** Go is absent and no geth v1.13.15 binary was found: the network cannot run here. */
export class GoNotInstalledError extends PermitRegistryError {
  override readonly name = "GoNotInstalledError" as const;
  constructor(version: string) {
    super(`Cannot install geth v${version}: Go is not installed and no cached binary was found.`, {
      details: "Install Go (https://go.dev/dl/, >= 1.21) and run scripts/install-geth.sh, or set GETH_BIN to a geth v" + version + " binary.",
      meta: { version },
    });
  }
}

export class GethInstallFailedError extends PermitRegistryError {
  override readonly name = "GethInstallFailedError" as const;
  constructor(version: string, exitCode: number | null, output: string) {
    super(`scripts/install-geth.sh could not provide geth v${version} (exit ${exitCode}).`, {
      details: output.split("\n").slice(-15).join("\n"),
      meta: { version, exitCode },
    });
  }
}

export class NetworkNotFoundError extends PermitRegistryError {
  override readonly name = "NetworkNotFoundError" as const;
  constructor(name: string, dir: string) {
    super(`No local network "${name}" under ${dir}.`, {
      details: "Create it with `permit-registry network up --validators 3`, or pass the right --name.",
      meta: { name, dir },
    });
  }
}

export class PortInUseError extends PermitRegistryError {
  override readonly name = "PortInUseError" as const;
  constructor(port: number, what: string) {
    super(`Port ${port} (${what}) is already in use on 127.0.0.1.`, {
      details: "Pick other ports with --base-port P (node i uses P+i for HTTP JSON-RPC, P+1000+i for p2p, P+2000+i for the engine API).",
      meta: { port, what },
    });
  }
}

export class UnknownValidatorError extends PermitRegistryError {
  override readonly name = "UnknownValidatorError" as const;
  constructor(index: number, known: number[]) {
    super(`There is no node ${index} in this network (nodes: ${known.join(", ") || "none"}).`, { meta: { index, known } });
  }
}

/** A geth command (init, account import) failed or a node died while starting. */
export class NodeCommandFailedError extends PermitRegistryError {
  override readonly name = "NodeCommandFailedError" as const;
  constructor(what: string, output: string, meta: Record<string, unknown> = {}) {
    super(`${what} failed.`, { details: output.trim().split("\n").slice(-20).join("\n"), meta: { what, ...meta } });
  }
}

/** A condition the tooling waits for (RPC up, peers, common head, a vote) did not happen in time. */
export class NetworkTimeoutError extends PermitRegistryError {
  override readonly name = "NetworkTimeoutError" as const;
  constructor(what: string, timeoutMs: number, lastSeen?: string) {
    super(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}.`, {
      details: lastSeen ? `Last seen: ${lastSeen}` : undefined,
      meta: { what, timeoutMs, lastSeen },
    });
  }
}

/** The recorded PID now belongs to something else than the geth node we started: never kill it. */
export class ForeignProcessError extends PermitRegistryError {
  override readonly name = "ForeignProcessError" as const;
  constructor(pid: number, commandLine: string) {
    super(`PID ${pid} is not the geth node this tool started; leaving it alone.`, {
      details: `Its command line is: ${commandLine || "(unreadable)"}`,
      meta: { pid, commandLine },
    });
  }
}

/** A validator change that Clique cannot make (e.g. removing the last signers). */
export class InvalidValidatorChangeError extends PermitRegistryError {
  override readonly name = "InvalidValidatorChangeError" as const;
  constructor(reason: string) {
    super(reason);
  }
}
