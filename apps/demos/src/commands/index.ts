import type { Command } from '../cli/run-cli.js';
import { backendCommand } from './backend.js';
import { demoCommand } from './demo.js';

/** Every command of the CLI, in help order. */
export const commands: readonly Command[] = [backendCommand, demoCommand];
