import { type BackendInfo, ensureBackend } from '@tfkit/backend';
import { didYouMean } from '@tfkit/core';
import { type CommandSpec, formatHelp, type ParsedOptions, parseArguments } from './args.js';
import { CliUsageError, exitCodes, FeatureUnavailableError, oneLine } from './errors.js';
import { createProgress, type Output, type Progress } from './progress.js';

/** What a command's `run` receives. */
export interface CommandContext {
  options: ParsedOptions;
  positionals: string[];
  output: Output;
  seed: number;
  /** Prints one line to stdout. */
  print(line?: string): void;
  /** Prints one line to stderr (notes, warnings). */
  note(line: string): void;
  /** A progress reporter on stderr; silent with `--no-progress`. */
  progress(label: string, total: number): Progress;
}

/** A CLI command: its help and its body. */
export interface Command extends CommandSpec {
  run(context: CommandContext): Promise<number | undefined>;
}

/**
 * Picks the tfjs backend with `ensureBackend()` (wasm with tfkit's training kernels here) and
 * notes the choice on stderr; commands that run tfjs models call it first.
 */
export async function useBackend(context: CommandContext): Promise<BackendInfo> {
  const info = await ensureBackend({ log: false });
  context.note(info.reason);
  return info;
}

/** Reads a string option, throwing a usage error if it is required and absent. */
export function stringOption(context: CommandContext, name: string, required: true): string;
export function stringOption(context: CommandContext, name: string, required?: false): string | undefined;
export function stringOption(context: CommandContext, name: string, required = false): string | undefined {
  const value = context.options[name];
  if (value === undefined) {
    if (required)
      throw new CliUsageError({ message: `missing --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.` });
    return undefined;
  }
  return String(value);
}

/** Reads a numeric option (already validated by the parser). */
export function numberOption(context: CommandContext, name: string): number {
  const value = context.options[name];
  if (typeof value !== 'number') throw new CliUsageError({ message: `missing --${name}.` });
  return value;
}

function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length)) + 2;
  return [
    'tfkit: transfer learning, deep RL and GANs on Node.js with TensorFlow.js',
    '',
    'Usage: tfkit <command> [options]   (tfkit <command> --help for details and examples)',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.path.join(' ').padEnd(width)}${command.summary}`),
    '',
    'Examples:',
    '  tfkit backend',
    '  tfkit cartpole --policy logic --episodes 100',
    '  tfkit demo --quick',
    '',
    'Exit codes: 0 success, 1 failure, 2 bad input, 3 feature not available in this build.',
  ].join('\n');
}

/** Prefix of every error line. */
function errorLine(name: string, message: string, hint: boolean): string {
  return `tfkit${name ? ` ${name}` : ''}: error: ${message}${hint ? ` See "tfkit${name ? ` ${name}` : ''} --help".` : ''}\n`;
}

/**
 * Runs the CLI on `argv` (without `node cli.js`) and returns the exit code; never throws and
 * never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], output: Output, commands: readonly Command[]): Promise<number> {
  const words = [...argv];
  if (words.length === 0 || words[0] === 'help' || words[0] === '--help' || words[0] === '-h') {
    output.stdout(`${globalHelp(commands)}\n`);
    return exitCodes.ok;
  }
  // The longest command path that matches the leading words.
  let command: Command | undefined;
  for (const candidate of commands) {
    const matches = candidate.path.every((word, index) => words[index] === word);
    if (matches && (!command || candidate.path.length > command.path.length)) command = candidate;
  }
  if (!command) {
    const group = commands.filter((candidate) => candidate.path.length > 1 && candidate.path[0] === words[0]);
    if (group.length > 0) {
      const subcommands = group.map((candidate) => candidate.path.slice(1).join(' '));
      const wanted = words[1];
      if (wanted === undefined || wanted === '--help' || wanted === '-h') {
        const lines = group.map((candidate) => `  tfkit ${candidate.path.join(' ').padEnd(14)}${candidate.summary}`);
        const text = `Usage: tfkit ${words[0]} <${subcommands.join('|')}> [options]\n\n${lines.join('\n')}\n`;
        if (wanted === undefined) {
          output.stderr(errorLine(words[0]!, `missing subcommand; use one of ${subcommands.join(', ')}.`, true));
          return exitCodes.usage;
        }
        output.stdout(text);
        return exitCodes.ok;
      }
      output.stderr(
        errorLine(
          words[0]!,
          `unknown subcommand "${wanted}"; use one of ${subcommands.join(', ')}.${didYouMean(wanted, subcommands)}`,
          true,
        ),
      );
      return exitCodes.usage;
    }
    const names = [...new Set(commands.map((candidate) => candidate.path[0]!))];
    output.stderr(
      errorLine(
        '',
        `unknown command "${words[0]}"; commands: ${names.join(', ')}.${didYouMean(words[0]!, names)}`,
        true,
      ),
    );
    return exitCodes.usage;
  }
  const name = command.path.join(' ');
  try {
    const parsed = parseArguments(command, words.slice(command.path.length));
    if (parsed.help) {
      output.stdout(`${formatHelp(command)}\n`);
      return exitCodes.ok;
    }
    const silent = parsed.options.noProgress === true;
    const context: CommandContext = {
      options: parsed.options,
      positionals: parsed.positionals,
      output,
      seed: Number(parsed.options.seed ?? 0),
      print: (line = '') => output.stdout(`${line}\n`),
      // On a terminal, clear a progress bar being drawn before printing the note.
      note: (line) => output.stderr(`${output.isTTY ? '\r\u001b[K' : ''}${line}\n`),
      progress: (label, total) => createProgress(output, { label, total, silent }),
    };
    return (await command.run(context)) ?? exitCodes.ok;
  } catch (error) {
    if (CliUsageError.isInstance(error)) {
      output.stderr(errorLine(name, error.message, true));
      return exitCodes.usage;
    }
    if (FeatureUnavailableError.isInstance(error)) {
      output.stderr(errorLine(name, error.message, false));
      return exitCodes.unavailable;
    }
    const message = oneLine(error);
    output.stderr(errorLine(name, message, false));
    if (process.env.TFKIT_DEBUG && error instanceof Error && error.stack) output.stderr(`${error.stack}\n`);
    return exitCodes.failure;
  }
}
