/** Where the CLI writes: stdout for results, stderr for progress and errors. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress is drawn as a bar redrawn in place. */
  isTTY: boolean;
  /** Terminal width for bars. */
  columns: number;
}

/** Reports progress of one long task. */
export interface Progress {
  /** Sets how much is done (0..total) with an optional short status text. */
  update(done: number, status?: string): void;
  /** Finishes the bar (prints the final state once). */
  finish(status?: string): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  label: string;
  total: number;
  /** Plain-line mode prints at every this fraction of the total. @defaultValue 0.1 */
  lineEvery?: number;
  /** Disable all output. */
  silent?: boolean;
  /** Clock for redraw throttling (tests). */
  now?: () => number;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Progress bar on a TTY (redrawn in place on stderr, at most 10 times a second), plain
 * `label: 30% (300/1000) status` lines otherwise (at every 10 %), nothing when silent.
 */
export function createProgress(output: Output, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const total = Math.max(options.total, 1);
  const every = options.lineEvery ?? 0.1;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let nextLineAt = every;
  let finished = false;

  function bar(done: number, status: string | undefined): string {
    const fraction = Math.min(Math.max(done / total, 0), 1);
    const elapsed = (now() - start) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const head = `${options.label} `;
    const tail = ` ${(fraction * 100).toFixed(0).padStart(3)}% ${formatSeconds(elapsed)}<${formatSeconds(eta)}${status ? ` ${status}` : ''}`;
    const width = Math.max(10, Math.min(40, output.columns - head.length - tail.length - 3));
    const filled = Math.round(fraction * width);
    const line = `${head}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`;
    return line.length > output.columns - 1 ? line.slice(0, output.columns - 1) : line;
  }

  return {
    update(done, status) {
      if (options.silent || finished) return;
      if (output.isTTY) {
        const time = now();
        if (time - lastDraw < 100 && done < total) return;
        lastDraw = time;
        output.stderr(`\r${bar(done, status)}\u001b[K`);
        return;
      }
      const fraction = done / total;
      if (fraction + 1e-12 >= nextLineAt && fraction < 1) {
        while (nextLineAt <= fraction + 1e-12) nextLineAt += every;
        output.stderr(
          `${options.label}: ${(fraction * 100).toFixed(0)}% (${done}/${options.total})${status ? ` ${status}` : ''}\n`,
        );
      }
    },
    finish(status) {
      if (options.silent || finished) return;
      finished = true;
      if (output.isTTY) {
        output.stderr(`\r${bar(total, status)}\u001b[K\n`);
      } else {
        const elapsed = (now() - start) / 1000;
        output.stderr(`${options.label}: done in ${formatSeconds(elapsed)}${status ? ` ${status}` : ''}\n`);
      }
    },
  };
}
