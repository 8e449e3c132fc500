import { createRng, TfkitOptionError } from '@tfkit/core';
import { Discrete, make } from '@tfkit/gym-lite';
import { describe, expect, it } from 'vitest';
import { RlInvalidMdpError, RlNotDiscreteError } from '../errors.js';
import type { DiscreteMdp, MdpTransition } from './mdp.js';
import { compileMdp } from './mdp.js';
import { evaluatePolicy, policyFromValues, policyIteration, qFromValues, valueIteration } from './planners.js';

/** s0: a0 loops with reward 0, a1 ends the episode with reward 1. s1: absorbing. V = [1, 0]. */
const oneStep: DiscreteMdp = {
  nStates: 2,
  nActions: 2,
  P: [
    [[[1, 0, 0, false]], [[1, 1, 1, true]]],
    [[[1, 1, 0, true]], [[1, 1, 0, true]]],
  ],
};

/** Two loops: staying in s0 pays 1, in s1 pays 2; a1 moves across for 0. gamma 0.9: V = [18, 20]. */
const twoLoops: DiscreteMdp = {
  nStates: 2,
  nActions: 2,
  P: [
    [[[1, 0, 1, false]], [[1, 1, 0, false]]],
    [[[1, 1, 2, false]], [[1, 0, 0, false]]],
  ],
};

/** A coin flip: from s0, a0 reaches s1 or fails (ends) with 1/2 each; a1 waits at a cost. s1 pays 1 to finish. */
const coin: DiscreteMdp = {
  nStates: 3,
  nActions: 2,
  P: [
    [
      [
        [0.5, 1, 0, false],
        [0.5, 2, 0, true],
      ],
      [[1, 0, -0.1, false]],
    ],
    [[[1, 2, 1, true]], [[1, 2, 1, true]]],
    [[[1, 2, 0, true]], [[1, 2, 0, true]]],
  ],
};

function randomMdp(seed: number, nStates: number, nActions: number): DiscreteMdp {
  const rng = createRng(seed);
  const P: MdpTransition[][][] = [];
  for (let state = 0; state < nStates; state++) {
    const row: MdpTransition[][] = [];
    for (let action = 0; action < nActions; action++) {
      const count = 1 + rng.integers(3);
      const weights = Array.from({ length: count }, () => 0.1 + rng.random());
      const total = weights.reduce((a, b) => a + b, 0);
      row.push(
        weights.map(
          (weight): MdpTransition => [weight / total, rng.integers(nStates), rng.uniform(-1, 1), rng.random() < 0.1],
        ),
      );
    }
    P.push(row);
  }
  return { nStates, nActions, P };
}

describe('valueIteration on hand-solvable MDPs', () => {
  it('solves the one-step MDP: V = [1, 0], take a1 in s0', () => {
    const result = valueIteration(oneStep, { gamma: 0.9 });
    expect(Array.from(result.V)).toEqual([1, 0]);
    expect(Array.from(result.policy)).toEqual([1, 0]);
    expect(result.Q.map((row) => Array.from(row))).toEqual([
      [0.9, 1],
      [0, 0],
    ]);
    expect(result.converged).toBe(true);
    expect(result.deltas.at(-1)).toBe(0);
  });

  it('solves the two loops: V = [18, 20] at gamma 0.9, deltas shrink by gamma', () => {
    const result = valueIteration(twoLoops, { gamma: 0.9, theta: 1e-12 });
    expect(result.V[0]).toBeCloseTo(18, 9);
    expect(result.V[1]).toBeCloseTo(20, 9);
    expect(Array.from(result.policy)).toEqual([1, 0]);
    expect(result.Q[0]![0]).toBeCloseTo(17.2, 9);
    expect(result.Q[1]![1]).toBeCloseTo(16.2, 9);
    expect(result.iterations).toBe(result.deltas.length);
    const late = result.deltas.slice(-10);
    for (let index = 1; index < late.length; index++) expect(late[index]! / late[index - 1]!).toBeCloseTo(0.9, 2);
    expect(result.deltas.at(-1)!).toBeLessThanOrEqual(1e-12);
  });

  it('solves the coin flip with gamma 1: V(s0) = 0.5 by flipping, not by waiting', () => {
    const result = valueIteration(coin, { gamma: 1 });
    expect(Array.from(result.V)).toEqual([0.5, 1, 0]);
    expect(result.policy[0]).toBe(0);
    expect(result.Q[0]![1]).toBeCloseTo(0.4, 12);
  });

  it('stops at maxIterations and says it did not converge', () => {
    const result = valueIteration(twoLoops, { gamma: 0.9, maxIterations: 5 });
    expect(result.iterations).toBe(5);
    expect(result.converged).toBe(false);
  });
});

describe('policy evaluation and the greedy policy', () => {
  it('evaluates a fixed policy and a stochastic one exactly', () => {
    const stay = evaluatePolicy(twoLoops, [0, 0], { gamma: 0.9, theta: 1e-12 });
    expect(stay.V[0]).toBeCloseTo(10, 9);
    expect(stay.V[1]).toBeCloseTo(20, 9);
    // Uniform random policy: V0 = 0.5 (1 + 0.9 V0) + 0.5 (0.9 V1), V1 = 0.5 (2 + 0.9 V1) + 0.5 (0.9 V0).
    const uniform = evaluatePolicy(
      twoLoops,
      [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      { gamma: 0.9, theta: 1e-12 },
    );
    expect(uniform.V[0]! + uniform.V[1]!).toBeCloseTo(1.5 / 0.1, 8);
    expect(uniform.V[1]! - uniform.V[0]!).toBeCloseTo(0.5, 8);
    expect(uniform.converged).toBe(true);
  });

  it('breaks ties towards the first action, like numpy argmax', () => {
    const tie: DiscreteMdp = {
      nStates: 1,
      nActions: 3,
      P: [[[[1, 0, 1, true]], [[1, 0, 2, true]], [[1, 0, 2, true]]]],
    };
    expect(Array.from(policyFromValues(tie, [0]))).toEqual([1]);
    expect(Array.from(qFromValues(tie, [0])[0]!)).toEqual([1, 2, 2]);
    expect(Array.from(policyFromValues(oneStep, [0, 0], { gamma: 0.5 }))).toEqual([1, 0]);
    // Values a few ulps apart are ties (tieTolerance 1e-9); a bare argmax takes the larger.
    const nearTie: DiscreteMdp = { nStates: 1, nActions: 2, P: [[[[1, 0, 1, true]], [[1, 0, 1 + 1e-13, true]]]] };
    expect(Array.from(policyFromValues(nearTie, [0]))).toEqual([0]);
    expect(Array.from(policyFromValues(nearTie, [0], { tieTolerance: 0 }))).toEqual([1]);
    expect(() => policyFromValues(nearTie, [0], { tieTolerance: -1 })).toThrow(/tieTolerance/);
  });
});

describe('policyIteration', () => {
  it('finds the same values and policy as value iteration on the hand-solvable MDPs', () => {
    for (const [mdp, gamma] of [
      [oneStep, 0.9],
      [twoLoops, 0.9],
      [coin, 1],
    ] as const) {
      const planned = policyIteration(mdp, { gamma });
      const iterated = valueIteration(mdp, { gamma });
      expect(Array.from(planned.policy)).toEqual(Array.from(iterated.policy));
      for (let state = 0; state < mdp.nStates; state++) expect(planned.V[state]).toBeCloseTo(iterated.V[state]!, 8);
      expect(planned.converged).toBe(true);
    }
    const twoRounds = policyIteration(twoLoops, { gamma: 0.9 });
    expect(twoRounds.iterations).toBe(2); // [0, 0] -> [1, 0], then stable
  });

  it('agrees with value iteration on 20 seeded random MDPs', () => {
    for (let seed = 0; seed < 20; seed++) {
      const mdp = randomMdp(seed, 6, 3);
      const planned = policyIteration(mdp, { gamma: 0.95 });
      const iterated = valueIteration(mdp, { gamma: 0.95 });
      expect(Array.from(planned.policy)).toEqual(Array.from(iterated.policy));
      for (let state = 0; state < mdp.nStates; state++) expect(planned.V[state]).toBeCloseTo(iterated.V[state]!, 7);
    }
  });
});

describe('planning errors', () => {
  function caught(work: () => unknown): unknown {
    try {
      work();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  }

  it('rejects an env without Discrete spaces or without a model', () => {
    const cartPole = caught(() => valueIteration(make('CartPole-v1')));
    expect(RlNotDiscreteError.isInstance(cartPole)).toBe(true);
    expect((cartPole as RlNotDiscreteError).what).toBe('observation space');
    expect((cartPole as Error).message).toMatch(/needs a Discrete observation space .*, got Box/);
    const noModel = { unwrapped: {}, observationSpace: new Discrete(4), actionSpace: new Discrete(2) };
    const missing = caught(() => policyIteration(noModel));
    expect((missing as RlNotDiscreteError).what).toBe('model');
    expect((missing as Error).message).toMatch(/unwrapped\.P/);
    const boxActions = { unwrapped: { P: oneStep.P }, observationSpace: new Discrete(2), actionSpace: { shape: [1] } };
    expect((caught(() => valueIteration(boxActions)) as RlNotDiscreteError).what).toBe('action space');
    const viaUnwrapped = {
      unwrapped: { P: oneStep.P },
      observationSpace: new Discrete(2),
      actionSpace: new Discrete(2),
    };
    expect(Array.from(valueIteration(viaUnwrapped, { gamma: 0.9 }).V)).toEqual([1, 0]);
  });

  it('rejects gamma outside [0, 1], a negative theta and a bad maxIterations', () => {
    for (const gamma of [1.5, -0.1, Number.NaN]) {
      const error = caught(() => valueIteration(oneStep, { gamma }));
      expect(TfkitOptionError.isInstance(error)).toBe(true);
      expect((error as TfkitOptionError).option).toBe('gamma');
    }
    expect((caught(() => policyIteration(oneStep, { theta: -1 })) as TfkitOptionError).option).toBe('theta');
    expect((caught(() => evaluatePolicy(oneStep, [0, 0], { maxIterations: 0 })) as TfkitOptionError).option).toBe(
      'maxIterations',
    );
    expect((caught(() => evaluatePolicy(oneStep, [0])) as TfkitOptionError).option).toBe('policy');
    expect((caught(() => evaluatePolicy(oneStep, [0, 2])) as TfkitOptionError).option).toBe('policy');
    expect((caught(() => policyFromValues(oneStep, [0, 0, 0])) as TfkitOptionError).option).toBe('V');
  });

  it('names the state and action whose probabilities do not sum to 1, or whose outcomes are malformed', () => {
    const leaky: DiscreteMdp = {
      nStates: 2,
      nActions: 2,
      P: [
        oneStep.P[0]!,
        [
          [[1, 1, 0, true]],
          [
            [0.6, 1, 0, true],
            [0.3, 0, 0, false],
          ],
        ],
      ],
    };
    const error = caught(() => valueIteration(leaky));
    expect(RlInvalidMdpError.isInstance(error)).toBe(true);
    expect([(error as RlInvalidMdpError).state, (error as RlInvalidMdpError).action]).toEqual([1, 1]);
    expect((error as Error).message).toMatch(/P\[1\]\[1\]: its outcome probabilities sum to 0\.(9|8999)\d*, not 1\./);
    const withinTolerance: DiscreteMdp = {
      nStates: 1,
      nActions: 1,
      P: [
        [
          [
            [1 / 3, 0, 0, true],
            [1 / 3, 0, 0, true],
            [1 / 3 + 1e-12, 0, 0, true],
          ],
        ],
      ],
    };
    expect(valueIteration(withinTolerance).converged).toBe(true);
    const outside: DiscreteMdp = { nStates: 1, nActions: 1, P: [[[[1, 3, 0, true]]]] };
    expect((caught(() => compileMdp(outside)) as Error).message).toMatch(
      /P\[0\]\[0\]: .*next state 3 is not in \[0, 1\)/,
    );
    const short: DiscreteMdp = { nStates: 2, nActions: 1, P: [[[[1, 0, 0, true]]]] };
    expect((caught(() => compileMdp(short)) as Error).message).toMatch(/P has 1 states but nStates is 2/);
    const noOutcome: DiscreteMdp = { nStates: 1, nActions: 1, P: [[[]]] };
    expect((caught(() => compileMdp(noOutcome)) as RlInvalidMdpError).state).toBe(0);
    const badFlag = { nStates: 1, nActions: 1, P: [[[[1, 0, 0, 'no']]]] } as unknown as DiscreteMdp;
    expect((caught(() => compileMdp(badFlag)) as Error).message).toMatch(/terminated flag/);
  });
});
