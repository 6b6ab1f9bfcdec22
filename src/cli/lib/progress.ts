/**
 * Progress for long operations, on stderr so stdout stays clean for tables and --json: a bar when
 * stderr is a terminal, otherwise a plain line per step (at most one a second, plus the last).
 */
import { SingleBar, Presets } from "cli-progress";

export type Progress = {
  /** Sets the number done so far. */
  update(done: number): void;
  /** Ends the bar (or prints the final line). */
  stop(): void;
};

export type ProgressOptions = {
  label: string;
  total: number;
  /** `false` turns progress off (--no-progress). */
  enabled?: boolean;
  stream?: NodeJS.WriteStream;
};

export function createProgress({ label, total, enabled = true, stream = process.stderr }: ProgressOptions): Progress {
  if (!enabled || total <= 0) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label.padEnd(10)} [{bar}] {value}/{total} {percentage}% | {duration_formatted}`, stream, hideCursor: true, clearOnComplete: false },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let last = -1;
  let lastAt = 0;
  const line = (done: number) => {
    stream.write(`${label}: ${done}/${total}\n`);
    last = done;
    lastAt = Date.now();
  };
  return {
    update(done) {
      if (done !== last && (Date.now() - lastAt >= 1000 || done === total)) line(done);
    },
    stop() {},
  };
}
