import type { TrialDefinition } from '../trial.js';

export const quadratic: TrialDefinition;
export const sleeper: TrialDefinition;
export const trials: TrialDefinition[];
