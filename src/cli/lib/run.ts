/** Wiring shared by every command: the action wrapper (errors → message + exit code) and usage errors → exit 2. */
import type { Command } from "commander";
import { EXIT, exitCodeOf } from "./errors";
import { printError } from "./output";

/**
 * Wraps a command action: its resolved number (default 0) becomes the exit code; a thrown error
 * is printed (with `--json`, also as `{ error }` on stdout) and mapped by `exitCodeOf`.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(command.opts().json);
    try {
      process.exitCode = (await fn(...args)) ?? EXIT.OK;
    } catch (err) {
      printError(err, json);
      process.exitCode = exitCodeOf(err);
    }
  };
}

/** Commander's own usage errors (unknown option, missing argument, bad choice) exit 2, not 1; help exits 0. */
export function usageErrorsExit2(command: Command): Command {
  command.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  });
  for (const sub of command.commands) usageErrorsExit2(sub);
  return command;
}
