import { TrialRegistry } from '../trial.js';
import { dqnTrial } from './dqn.js';
import { fashionTransferTrial } from './fashion-transfer.js';
import { ganTrial } from './gan.js';
import { tabularTrial } from './tabular.js';

export { dqnTrial, fashionTransferTrial, ganTrial, tabularTrial };

/**
 * The built-in trial kinds: `dqn` (any gym-lite env), `gan` (`@tfkit/gan` presets),
 * `fashion-transfer` (`@tfkit/vision-transfer`'s experiment), `tabular` (planning and tabular
 * control from `@tfkit/rl-agents` on gym-lite's toy-text envs). Their packages are imported only
 * when a trial of that kind runs.
 */
export const builtinTrials: TrialRegistry = new TrialRegistry([dqnTrial, ganTrial, fashionTransferTrial, tabularTrial]);
