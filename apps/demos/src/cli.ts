import { runCli } from './cli/run-cli.js';
import { commands } from './commands/index.js';

const output = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns || 100,
};

runCli(process.argv.slice(2), output, commands).then(
  (code) => {
    // Exit explicitly (a backend may keep handles open), after stdout has drained.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`tfkit: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
