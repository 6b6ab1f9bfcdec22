/**
 * Wiring shared by every command: the action wrapper (errors → message + exit code), usage errors
 * → exit 2, and a reader that closes the pipe early (`| head`) ending output quietly.
 */
import type { Command, CommanderError } from "commander";
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

/**
 * Commander's own usage errors (unknown command or option, missing argument, bad choice) exit 2,
 * not 1; help exits 0. `subcommands: false` leaves the commands under `command` as they are.
 */
export function usageErrorsExit2(command: Command, { subcommands = true }: { subcommands?: boolean } = {}): Command {
  command.exitOverride((err: CommanderError) => {
    process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  });
  if (subcommands) for (const sub of command.commands) usageErrorsExit2(sub);
  return command;
}

/**
 * When the reader of our output goes away (`permit-registry officers list | head -1`), a write
 * fails with EPIPE; unhandled, Node prints it with a stack trace. Like `cat` or `ls`, say nothing:
 * the rest of the output is dropped and the command ends with its own exit code. Other write
 * errors (a full disk) stay loud.
 */
export function endQuietlyOnClosedPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
    });
  }
}
