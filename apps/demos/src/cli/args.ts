import { didYouMean } from '@tfkit/core';
import { CliUsageError } from './errors.js';

/** Kinds of option values the parser understands. */
export type OptionType = 'string' | 'integer' | 'number' | 'boolean';

/** One `--name value` option of a command. */
export interface OptionSpec {
  /** Long name without the dashes, kebab-case (`--env`, `--max-steps`). */
  name: string;
  type: OptionType;
  description: string;
  /** Placeholder shown in help (`N`, `DIR`). */
  placeholder?: string;
  /** Value when the option is absent. */
  default?: string | number | boolean;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** Inclusive bounds of a numeric option. */
  min?: number;
  max?: number;
  /** Bound that the value must exceed (exclusive lower bound). */
  greaterThan?: number;
}

/** A command of the CLI, with what `--help` prints. */
export interface CommandSpec {
  /** Words that select the command: `['gym', 'play']`. */
  path: readonly string[];
  summary: string;
  /** Positional arguments, as shown in the usage line (`IMAGE...`). */
  positionals?: { name: string; description: string; required?: boolean; variadic?: boolean };
  options: readonly OptionSpec[];
  examples: readonly string[];
  /** Extra paragraph printed in help. */
  details?: string;
}

/** Parsed values: option names camelCased. */
export type ParsedOptions = Record<string, string | number | boolean | undefined>;

/** Result of {@link parseArguments}. */
export interface ParsedArguments {
  options: ParsedOptions;
  positionals: string[];
  help: boolean;
}

/** Options every command accepts. */
export const commonOptions: readonly OptionSpec[] = [
  {
    name: 'seed',
    type: 'integer',
    placeholder: 'S',
    description: 'seed of every random generator, for reproducible runs',
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
  },
  {
    name: 'no-progress',
    type: 'boolean',
    description: 'do not print progress (bars on a terminal, plain lines otherwise)',
  },
];

/** `max-steps` -> `maxSteps`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function convert(command: string, spec: OptionSpec, raw: string): string | number | boolean {
  const flag = `--${spec.name}`;
  switch (spec.type) {
    case 'boolean': {
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new CliUsageError({ message: `${flag} takes no value or true/false, got "${raw}".` });
    }
    case 'string': {
      if (raw === '') throw new CliUsageError({ message: `${flag} needs a non-empty value.` });
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new CliUsageError({
          message: `${flag} "${raw}" is not one of ${spec.choices.join(', ')}.${didYouMean(raw, spec.choices)}`,
        });
      }
      return raw;
    }
    case 'integer':
    case 'number': {
      const trimmed = raw.trim();
      const value = trimmed === '' ? Number.NaN : Number(trimmed.replace(/_/g, ''));
      const integerWanted = spec.type === 'integer';
      if (!Number.isFinite(value) || (integerWanted && !Number.isInteger(value))) {
        throw new CliUsageError({
          message: `${flag} must be ${integerWanted ? 'an integer' : 'a number'}, got "${raw}".`,
        });
      }
      if (spec.min !== undefined && value < spec.min) {
        throw new CliUsageError({ message: `${flag} must be >= ${spec.min}, got ${raw}.` });
      }
      if (spec.max !== undefined && value > spec.max) {
        throw new CliUsageError({ message: `${flag} must be <= ${spec.max}, got ${raw}.` });
      }
      if (spec.greaterThan !== undefined && value <= spec.greaterThan) {
        throw new CliUsageError({ message: `${flag} must be > ${spec.greaterThan}, got ${raw}.` });
      }
      return value;
    }
  }
  throw new CliUsageError({ message: `${command}: option ${flag} has an unknown type.` });
}

/**
 * Parses `argv` (after the command words) against a command's options.
 * Accepts `--name value`, `--name=value`, boolean flags, `--no-name` for booleans declared as
 * `no-name`, and `--` to end options.
 */
export function parseArguments(command: CommandSpec, argv: readonly string[]): ParsedArguments {
  const specs = [...command.options, ...commonOptions];
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const options: ParsedOptions = {};
  const positionals: string[] = [];
  let help = false;
  const name = command.path.join(' ');
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (argument === '--help' || argument === '-h') {
      help = true;
      continue;
    }
    if (!argument.startsWith('-') || argument === '-' || /^-\d/.test(argument)) {
      positionals.push(argument);
      continue;
    }
    if (!argument.startsWith('--')) {
      throw new CliUsageError({ message: `unknown option "${argument}"; options are long, like --seed 1.` });
    }
    const equals = argument.indexOf('=');
    const optionName = argument.slice(2, equals === -1 ? undefined : equals);
    const spec = byName.get(optionName);
    if (!spec) {
      throw new CliUsageError({
        message: `unknown option --${optionName} for "tfkit ${name}".${didYouMean(optionName, [...byName.keys()])}`,
      });
    }
    let raw: string | undefined = equals === -1 ? undefined : argument.slice(equals + 1);
    if (raw === undefined && spec.type !== 'boolean') {
      raw = argv[index + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw new CliUsageError({ message: `--${optionName} needs a value (${spec.placeholder ?? spec.type}).` });
      }
      index++;
    }
    options[camelCase(spec.name)] = raw === undefined ? true : convert(name, spec, raw);
  }
  for (const spec of specs) {
    const key = camelCase(spec.name);
    if (options[key] === undefined && spec.default !== undefined) options[key] = spec.default;
  }
  if (!help) {
    const positional = command.positionals;
    if (!positional && positionals.length > 0) {
      throw new CliUsageError({ message: `unexpected argument "${positionals[0]}" for "tfkit ${name}".` });
    }
    if (positional?.required && positionals.length === 0) {
      throw new CliUsageError({ message: `missing ${positional.name}: ${positional.description}.` });
    }
    if (positional && !positional.variadic && positionals.length > 1) {
      throw new CliUsageError({ message: `"tfkit ${name}" takes one ${positional.name}, got ${positionals.length}.` });
    }
  }
  return { options, positionals, help };
}

function optionLine(spec: OptionSpec): [string, string] {
  const value = spec.type === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.type === 'string' ? 'VALUE' : 'N')}`;
  let description = spec.description;
  if (spec.choices) description += ` (${spec.choices.join('|')})`;
  if (spec.default !== undefined && spec.type !== 'boolean') description += ` [default: ${spec.default}]`;
  return [`--${spec.name}${value}`, description];
}

/** The text `tfkit <command> --help` prints. */
export function formatHelp(command: CommandSpec): string {
  const name = command.path.join(' ');
  const positional = command.positionals
    ? ` ${command.positionals.required ? '' : '['}${command.positionals.name}${command.positionals.required ? '' : ']'}`
    : '';
  const lines = [`tfkit ${name}: ${command.summary}`, '', `Usage: tfkit ${name} [options]${positional}`];
  if (command.details) lines.push('', command.details);
  if (command.positionals)
    lines.push('', 'Arguments:', `  ${command.positionals.name.padEnd(24)} ${command.positionals.description}`);
  const rows = [...command.options, ...commonOptions].map(optionLine);
  rows.push(['--help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  lines.push('', 'Options:', ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`));
  lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  return lines.join('\n');
}
