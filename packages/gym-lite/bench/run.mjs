#!/usr/bin/env node
// Steps per second of @tfkit/gym-lite's CartPole, FrozenLake and Taxi (built dist), on one core (Node is single-threaded here).
// Usage: pnpm bench  (or: node bench/run.mjs [--seconds=1.5] [--rounds=5])
// Prints wall-clock and CPU-time throughput; ratios use the Gymnasium figures from
// /work/shared/REFERENCE.md, quoted below as reference numbers (not measured by this script).
import { loadavg } from 'node:os';
import { CartPoleEnv, createRng, FrozenLakeEnv, make, makeVec, setWarningHandler, TaxiEnv } from '../dist/index.js';

const argument = (name, fallback) => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.split('=')[1]);
};
const seconds = argument('seconds', 1.5);
const rounds = argument('rounds', 5);

// Reference numbers quoted from /work/shared/REFERENCE.md ("Peers, measured on this machine class").
const reference = {
  single: { low: 105_000, high: 140_000, label: 'Gymnasium 1.4.0 CartPole-v1 via gym.make: ~105-140k steps/CPU-s' },
  vector: { value: 10_000_000, label: 'Gymnasium 1.4.0 CartPoleVectorEnv, 1024 envs: ~10M env-steps/CPU-s' },
};

setWarningHandler(() => {});

function measure(name, runChunk) {
  const results = [];
  for (let round = 0; round < rounds + 1; round++) {
    let steps = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      steps += runChunk();
      elapsed = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (round > 0) results.push({ wall: steps / (elapsed / 1000), cpu: steps / cpuSeconds });
  }
  results.sort((a, b) => a.cpu - b.cpu);
  const median = results[Math.floor(results.length / 2)];
  const best = results.at(-1);
  return { name, median, best };
}

function singleEnvChunk(env) {
  const rng = createRng(0);
  env.reset({ seed: 0 });
  return () => {
    let bits = 0;
    for (let index = 0; index < 100_000; index++) {
      if ((index & 31) === 0) bits = rng.nextUint32();
      const result = env.step((bits >>> (index & 31)) & 1);
      if (result.terminated || result.truncated) env.reset();
    }
    return 100_000;
  };
}

// Toy-text envs: random actions from a precomputed table (uniform over the action space).
function toyTextChunk(env) {
  const rng = createRng(0);
  const actions = new Int32Array(65536);
  for (let index = 0; index < actions.length; index++) actions[index] = rng.integers(env.actionSpace.n);
  env.reset({ seed: 0 });
  let next = 0;
  return () => {
    for (let index = 0; index < 100_000; index++) {
      const result = env.step(actions[next++ & 65535]);
      if (result.terminated || result.truncated) env.reset();
    }
    return 100_000;
  };
}

// Baseline in the same process for the toy-text rows: FrozenLake-v1's sampling on flat arrays
// (one random() and a running-sum scan per step), no API, no result objects.
const tableBaseline = (() => {
  const env = new FrozenLakeEnv();
  const first = [];
  const cumulative = [];
  const nextStates = [];
  const terminal = [];
  for (const byAction of env.P) {
    for (const outcomes of byAction) {
      first.push(cumulative.length);
      let sum = 0;
      for (const [probability, nextState, , terminated] of outcomes) {
        sum += probability;
        cumulative.push(sum);
        nextStates.push(nextState);
        terminal.push(terminated ? 1 : 0);
      }
    }
  }
  first.push(cumulative.length);
  const starts = Int32Array.from(first);
  const sums = Float64Array.from(cumulative);
  const targets = Int32Array.from(nextStates);
  const ends = Uint8Array.from(terminal);
  const rng = createRng(3);
  const actions = new Int32Array(65536);
  for (let index = 0; index < actions.length; index++) actions[index] = rng.integers(4);
  let state = 0;
  let next = 0;
  return () => {
    for (let index = 0; index < 100_000; index++) {
      const key = state * 4 + actions[next++ & 65535];
      const draw = rng.random();
      let outcome = starts[key];
      for (let candidate = starts[key]; candidate < starts[key + 1]; candidate++) {
        if (sums[candidate] > draw) {
          outcome = candidate;
          break;
        }
      }
      state = ends[outcome] === 1 ? 0 : targets[outcome];
    }
    return 100_000;
  };
})();

const made = make('CartPole-v1');
const bare = new CartPoleEnv();
const numEnvs = 1024;
const vector = makeVec('CartPole-v1', { numEnvs, seed: 0 });
const vectorRng = createRng(1);
const actions = new Int32Array(numEnvs);
vector.reset({ seed: 0 });
const vectorChunk = () => {
  for (let iteration = 0; iteration < 100; iteration++) {
    for (let word = 0; word < numEnvs; word += 32) {
      const bits = vectorRng.nextUint32();
      for (let bit = 0; bit < 32; bit++) actions[word + bit] = (bits >>> bit) & 1;
    }
    vector.step(actions);
  }
  return 100 * numEnvs;
};

// Baseline in the same process: the CartPole update of 1024 states in a bare loop (no API, no
// validation, no autoreset bookkeeping) - the floor the vector env is compared with.
const baseline = (() => {
  const xs = new Float64Array(numEnvs);
  const xDots = new Float64Array(numEnvs);
  const thetas = new Float64Array(numEnvs);
  const thetaDots = new Float64Array(numEnvs);
  const observations = new Float32Array(numEnvs * 4);
  const rng = createRng(2);
  for (let index = 0; index < numEnvs; index++) thetas[index] = rng.uniform(-0.05, 0.05);
  return () => {
    for (let iteration = 0; iteration < 100; iteration++) {
      for (let word = 0; word < numEnvs; word += 32) {
        const bits = vectorRng.nextUint32();
        for (let bit = 0; bit < 32; bit++) actions[word + bit] = (bits >>> bit) & 1;
      }
      for (let index = 0; index < numEnvs; index++) {
        let x = xs[index];
        let xDot = xDots[index];
        let theta = thetas[index];
        let thetaDot = thetaDots[index];
        const force = actions[index] === 1 ? 10 : -10;
        const costheta = Math.cos(theta);
        const sintheta = Math.sin(theta);
        const temp = (force + 0.05 * (thetaDot * thetaDot) * sintheta) / 1.1;
        const thetaacc = (9.8 * sintheta - costheta * temp) / (0.5 * (4.0 / 3.0 - (0.1 * (costheta * costheta)) / 1.1));
        const xacc = temp - (0.05 * thetaacc * costheta) / 1.1;
        x += 0.02 * xDot;
        xDot += 0.02 * xacc;
        theta += 0.02 * thetaDot;
        thetaDot += 0.02 * thetaacc;
        if (x < -2.4 || x > 2.4 || theta < -0.2095 || theta > 0.2095) {
          x = 0;
          xDot = 0;
          theta = 0.01;
          thetaDot = 0;
        }
        xs[index] = x;
        xDots[index] = xDot;
        thetas[index] = theta;
        thetaDots[index] = thetaDot;
        const offset = index * 4;
        observations[offset] = x;
        observations[offset + 1] = xDot;
        observations[offset + 2] = theta;
        observations[offset + 3] = thetaDot;
      }
    }
    return 100 * numEnvs;
  };
})();

const format = (value) => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1e3).toFixed(0)}k`);
console.log(
  `@tfkit/gym-lite bench - node ${process.version}, ${rounds} rounds of ${seconds}s (median, best); ` +
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
);
console.log('Figures per CPU-second (process.cpuUsage) are the fair "one core" figures on a shared machine.');
const rows = [
  measure(
    `make('CartPole-v1') [TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv>>>], random actions`,
    singleEnvChunk(made),
  ),
  measure('bare CartPoleEnv, random actions', singleEnvChunk(bare)),
  measure(`makeVec('CartPole-v1', { numEnvs: ${numEnvs} }) next-step autoreset`, vectorChunk),
  measure(`baseline: bare CartPole update loop over ${numEnvs} states (same process)`, baseline),
];
const toyTextRows = [
  measure(
    `make('FrozenLake-v1') [TimeLimit<OrderEnforcing<PassiveEnvChecker<FrozenLakeEnv>>>], random actions`,
    toyTextChunk(make('FrozenLake-v1')),
  ),
  measure('bare FrozenLakeEnv (slippery 4x4), random actions', toyTextChunk(new FrozenLakeEnv())),
  measure(
    `make('Taxi-v4') [TimeLimit<OrderEnforcing<PassiveEnvChecker<TaxiEnv>>>], random actions`,
    toyTextChunk(make('Taxi-v4')),
  ),
  measure('bare TaxiEnv, random actions', toyTextChunk(new TaxiEnv())),
  measure('baseline: FrozenLake-v1 sampling on flat arrays, no API (same process)', tableBaseline),
];
for (const row of rows) {
  console.log(
    `${row.name}\n  ${format(row.median.cpu)} steps/CPU-s (best ${format(row.best.cpu)}), ${format(row.median.wall)} steps/s wall (same round)`,
  );
}
for (const row of toyTextRows) {
  console.log(
    `${row.name}\n  ${format(row.median.cpu)} steps/CPU-s (best ${format(row.best.cpu)}), ${format(row.median.wall)} steps/s wall (same round)`,
  );
}
const [single, bareRow, vectorRow, baselineRow] = rows;
const [lakeMade, lakeBare, taxiMade, taxiBare, tableRow] = toyTextRows;
console.log(
  `\nvector env / bare update loop (same process): ${(vectorRow.median.cpu / baselineRow.median.cpu).toFixed(2)}x`,
);
console.log('\nRatios against reference numbers from /work/shared/REFERENCE.md (not measured here):');
console.log(`  ${reference.single.label}`);
console.log(
  `    make():   ${(single.median.cpu / reference.single.high).toFixed(1)}x - ${(single.median.cpu / reference.single.low).toFixed(1)}x`,
);
console.log(
  `    bare env: ${(bareRow.median.cpu / reference.single.high).toFixed(1)}x - ${(bareRow.median.cpu / reference.single.low).toFixed(1)}x`,
);
console.log(`  ${reference.vector.label}`);
console.log(`    vector:   ${(vectorRow.median.cpu / reference.vector.value).toFixed(1)}x`);
console.log('\nTargets (issue 3): >= 3M steps/s through make(), >= 30M env-steps/s vector (one core).');
console.log(
  `  per CPU-second: make() ${single.median.cpu >= 3e6 ? 'met' : 'NOT met'}; vector ${vectorRow.median.cpu >= 30e6 ? 'met' : 'NOT met'}`,
);
console.log(
  `\nFrozenLake bare env / flat-array baseline (same process): ${(lakeBare.median.cpu / tableRow.median.cpu).toFixed(2)}x; ` +
    `make() / bare: FrozenLake ${(lakeMade.median.cpu / lakeBare.median.cpu).toFixed(2)}x, Taxi ${(taxiMade.median.cpu / taxiBare.median.cpu).toFixed(2)}x`,
);
console.log('Target (issue 12): >= 10M steps/s for FrozenLake and Taxi (one core).');
console.log(
  `  per CPU-second through make(): FrozenLake ${lakeMade.median.cpu >= 10e6 ? 'met' : 'NOT met'}; Taxi ${taxiMade.median.cpu >= 10e6 ? 'met' : 'NOT met'}`,
);
