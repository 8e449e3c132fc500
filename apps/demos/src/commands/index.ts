import type { Command } from '../cli/run-cli.js';
import { backendCommand } from './backend.js';
import { cartpoleCommand } from './cartpole.js';
import { classifyCommand } from './classify.js';
import { demoCommand } from './demo.js';
import { dqnCommand } from './dqn.js';
import { ganSampleCommand, ganTrainCommand } from './gan.js';
import { gymListCommand, gymPlayCommand } from './gym.js';
import {
  sweepResultsCommand,
  sweepRunCommand,
  sweepStatusCommand,
  sweepSubmitCommand,
  workerCommand,
} from './sweep.js';
import { transferCommand } from './transfer.js';

/** Every command of the CLI, in help order. */
export const commands: readonly Command[] = [
  backendCommand,
  gymListCommand,
  gymPlayCommand,
  cartpoleCommand,
  dqnCommand,
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
