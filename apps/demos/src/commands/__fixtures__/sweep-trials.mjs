// A cheap trial kind for the sweep command tests.
import { defineTrial } from '@tfkit/experiments';

export const trials = [
  defineTrial({
    name: 'parabola',
    description: '(x - 2)^2 plus a seed offset, with a 3-point curve',
    defaultMetric: { name: 'loss', goal: 'min' },
    parameters: { x: { type: 'number', default: 0 } },
    async run({ x }, { seed }) {
      const loss = (x - 2) ** 2 + seed / 100;
      return { metrics: { loss }, curves: { loss: [[1, loss + 2], [2, loss + 1], [3, loss]] } };
    },
  }),
];
