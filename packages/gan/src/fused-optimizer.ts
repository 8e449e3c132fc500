import {
  type AdamSpec,
  FusedOptimizer as BackendFusedOptimizer,
  type FusedOptimizerState,
  type OptimizerSpec,
  type SgdSpec,
} from '@tfkit/backend';
import { GanCheckpointError } from './errors.js';

export type { AdamSpec, FusedOptimizerState, OptimizerSpec, SgdSpec };

/**
 * `@tfkit/backend`'s fused Adam / SGD (one pass per variable over the backend's memory instead of
 * about ten tfjs ops), with a state that does not fit reported as a {@link GanCheckpointError}.
 */
export class FusedOptimizer extends BackendFusedOptimizer {
  /**
   * Restores a state from {@link FusedOptimizer.getState}.
   *
   * @param state - step count and moments
   * @throws {@link GanCheckpointError} when it does not fit these variables
   */
  override setState(state: FusedOptimizerState): void {
    const problem = this.checkState(state);
    if (problem) throw new GanCheckpointError({ message: problem });
    super.setState(state);
  }
}
