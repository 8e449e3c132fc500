import type { Output } from './progress.js';

/** An {@link Output} that records what the CLI writes, for tests. */
export function recordingOutput(isTTY = false): Output & { out: string; err: string } {
  const recorded = {
    out: '',
    err: '',
    isTTY,
    columns: 80,
    stdout(text: string) {
      recorded.out += text;
    },
    stderr(text: string) {
      recorded.err += text;
    },
  };
  return recorded;
}
