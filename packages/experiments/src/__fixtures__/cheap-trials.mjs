// Cheap trial kinds for the tests (plain ESM: worker threads and worker processes import it).
import { createRng, deriveSeed } from '@tfkit/core';
import { defineTrial } from '@tfkit/experiments';

function busyWait(milliseconds) {
  const end = performance.now() + milliseconds;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

/** A noisy quadratic: loss = (x - 3)^2 + noise(seed); a curve of 5 seeded points. */
export const quadratic = defineTrial({
  name: 'quadratic',
  description: 'noisy (x - 3)^2',
  defaultMetric: { name: 'loss', goal: 'min' },
  parameters: {
    x: { type: 'number', default: 0 },
    steps: { type: 'integer', default: 5, min: 1 },
    workMs: { type: 'integer', default: 0, min: 0 },
    fail: { type: 'boolean', default: false },
  },
  async run({ x, steps, workMs, fail }, { seed }) {
    if (fail) throw new Error(`quadratic asked to fail (seed ${seed})`);
    if (workMs > 0) busyWait(workMs);
    const rng = createRng(deriveSeed(seed, 7));
    const curve = [];
    let loss = (x - 3) ** 2 + 10;
    for (let step = 1; step <= steps; step++) {
      loss = loss * 0.5 + (x - 3) ** 2 * 0.5 + rng.uniform(0, 0.1);
      curve.push([step, loss]);
    }
    return { metrics: { loss, seedNoise: rng.random() }, curves: { loss: curve } };
  },
});

/** Sleeps (without blocking the event loop) for `ms`, then returns its seed. */
export const sleeper = defineTrial({
  name: 'sleeper',
  description: 'waits ms milliseconds',
  defaultMetric: { name: 'value', goal: 'max' },
  parameters: { ms: { type: 'integer', default: 500, min: 0 } },
  async run({ ms }, { seed }) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { metrics: { value: seed * 10 + ms / 1000 } };
  },
});

export const trials = [quadratic, sleeper];
