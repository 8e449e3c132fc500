import type { Command } from '../cli/run-cli.js';
import { backendCommand } from './backend.js';
import { cartpoleCommand } from './cartpole.js';
import { classifyCommand } from './classify.js';
import { demoCommand } from './demo.js';
import { dqnCommand } from './dqn.js';
import { ganSampleCommand } from './gan-sample.js';
import { ganTrainCommand } from './gan-train.js';
import { gymListCommand } from './gym-list.js';
import { gymPlayCommand } from './gym-play.js';
import { planCommand } from './plan.js';
import {
  sweepResultsCommand,
  sweepRunCommand,
  sweepStatusCommand,
  sweepSubmitCommand,
  workerCommand,
} from './sweep.js';
import { tabularCommand } from './tabular.js';
import { transferCommand } from './transfer.js';

/**
 * Every command of the CLI, in help order. To add one, write `commands/<name>.ts` exporting a
 * {@link Command} (its `path`, help text and `run`) and add it here; `tfkit --help` and the help
 * tests pick it up from this list.
 */
export const commands: readonly Command[] = [
  backendCommand,
  gymListCommand,
  gymPlayCommand,
  cartpoleCommand,
  dqnCommand,
  planCommand,
  tabularCommand,
  ganTrainCommand,
  ganSampleCommand,
  classifyCommand,
  transferCommand,
  demoCommand,
  sweepRunCommand,
  sweepSubmitCommand,
  sweepStatusCommand,
  sweepResultsCommand,
  workerCommand,
];
