import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { encodePng } from '../report/images.js';
import { commands } from './index.js';

async function cli(...argv: string[]) {
  const output = recordingOutput();
  const code = await runCli(argv, output, commands);
  return { code, out: output.out, err: output.err };
}

function expectOneLineError(result: { err: string }, pattern: RegExp) {
  const lines = result.err
    .trim()
    .split('\n')
    .filter((line) => line.includes('error:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tfkit-cli-'));

describe('bad input exits 2 with one clear message', () => {
  it.each([
    [['cartpole', '--policy', 'telepathy'], /--policy "telepathy" is not one of random, logic/],
    [['cartpole', '--episodes', 'many'], /--episodes must be an integer, got "many"/],
    [['cartpole', '--episodes', '0'], /--episodes must be >= 1/],
    [['dqn', '--budget', '-5'], /--budget must be >= 1/],
    [['dqn', '--seed', '1.5'], /--seed must be an integer/],
    [['gym', 'play', '--gif', 'movie.mp4'], /--gif must name a \.gif file/],
    [['demo', '--only', 'everything'], /--only names unknown section "everything"/],
    [['gan', 'train', '--model', 'vae'], /--model "vae" is not one of dense/],
    [['gan', 'train', '--data', '/nonexistent/fashion'], /--data "\/nonexistent\/fashion" does not exist/],
    [
      ['gan', 'sample', '--checkpoint', '/nonexistent/ckpt', '--out', 'x.npy'],
      /--checkpoint "\/nonexistent\/ckpt" does not exist/,
    ],
    [['gan', 'sample', '--checkpoint', '.', '--out', 'x.jpg'], /--out must end in \.npy or \.png/],
    [['gan', 'sample', '--out', 'x.png'], /missing --checkpoint/],
    [
      ['classify', '--model', 'vgg16', '--weights', '/nonexistent/vgg16.h5', 'zebra.jpg'],
      /--weights "\/nonexistent\/vgg16\.h5" does not exist/,
    ],
    [['classify', '--model', 'vgg16', '--weights', 'https://example.org/model.json'], /missing IMAGE\.\.\./],
    [['classify', '--weights', 'w.h5', 'a.jpg'], /missing --model/],
    [
      ['classify', '--model', 'vgg16', '--weights', 'https://example.org/m.json', '/nonexistent/zebra.jpg'],
      /image "\/nonexistent\/zebra\.jpg" does not exist/,
    ],
    [['transfer', '--embedded', '--data', '/tmp'], /either --embedded or --data/],
    [['transfer', '--data', '/nonexistent/fashion'], /--data "\/nonexistent\/fashion" does not exist/],
    [['transfer', '--epochs', '2.5'], /--epochs must be an integer/],
    [['transfer', '--epochs', '1'], /--epochs must be >= 2/],
  ])('tfkit %j', async (argv, pattern) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expectOneLineError(result, pattern);
  });
});

describe('gan train', () => {
  it("uses the model's batch size unless --batch-size says otherwise (32 for dcgan)", async () => {
    const out = path.join(scratch, 'gan-dcgan');
    const result = await cli('gan', 'train', '--model', 'dcgan', '--epochs', '1', '--images', '40', '--out', out);
    expect(result.err).toMatch(/40 images, batch 32/);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(out, 'epoch-0001.png')).subarray(1, 4).toString()).toBe('PNG');
    const tooLarge = await cli(
      'gan',
      'train',
      '--model',
      'dcgan',
      '--images',
      '40',
      '--batch-size',
      '50',
      '--out',
      out,
    );
    expect(tooLarge.code).toBe(2);
    expectOneLineError(tooLarge, /--batch-size 50 is larger than the 40 training images/);
  }, 120_000);

  it('trains the conditional DCGAN (cdcgan) and samples one class from its checkpoint', async () => {
    const out = path.join(scratch, 'gan-cdcgan');
    const train = await cli('gan', 'train', '--model', 'cdcgan', '--epochs', '1', '--images', '40', '--out', out);
    expect(train.code, train.err).toBe(0);
    expect(train.err).toMatch(/40 images, batch 32/);
    const npy = path.join(scratch, 'cdcgan-boots.npy');
    const sampled = await cli('gan', 'sample', '--checkpoint', out, '--label', '9', '--count', '2', '--out', npy);
    expect(sampled.code, sampled.err).toBe(0);
    expect(readFileSync(npy).toString('latin1')).toContain("'shape': (2, 28, 28)");
    const badLabel = await cli('gan', 'sample', '--checkpoint', out, '--label', '10', '--out', npy);
    expect(badLabel.code).toBe(2);
  }, 120_000);
});

describe('gym-lite commands', () => {
  it('lists CartPole-v0 and v1 with their limits', async () => {
    const result = await cli('gym', 'list', '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out) as Array<{ id: string; maxEpisodeSteps: number; rewardThreshold: number }>;
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: 'CartPole-v0', maxEpisodeSteps: 200, rewardThreshold: 195 },
        { id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475 },
      ]),
    );
  });

  it('plays a seeded random episode reproducibly and writes a GIF', async () => {
    const gif = path.join(scratch, 'play.gif');
    const first = await cli('gym', 'play', '--seed', '3', '--gif', gif);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Episode 0 finished after \d+ timesteps/);
    expect(readFileSync(gif).subarray(0, 6).toString('ascii')).toBe('GIF89a');
    const second = await cli('gym', 'play', '--seed', '3');
    expect(second.out.split('\n').slice(0, -1)).toEqual(
      first.out.split('\n').slice(0, second.out.split('\n').length - 1),
    );
  });

  it('prints the integer state of a toy-text environment and writes its GIF', async () => {
    const gif = path.join(scratch, 'lake.gif');
    const result = await cli('gym', 'play', '--env', 'FrozenLake-v1', '--seed', '1', '--gif', gif);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^0 action:[0-3] reward:0\.0$/m);
    expect(result.out).not.toContain('[] action');
    expect(readFileSync(gif).subarray(0, 6).toString('ascii')).toBe('GIF89a');
  });

  it('rejects an unknown environment id with exit code 2', async () => {
    const result = await cli('gym', 'play', '--env', 'CartPole-v9');
    expect(result.code).toBe(2);
    expectOneLineError(result, /v9.*CartPole-v1/);
  });
});

describe('rl-agents commands', () => {
  it("prints the book's line for the logic policy", async () => {
    const result = await cli('cartpole', '--policy', 'logic', '--episodes', '5', '--no-progress');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^Policy:policy_logic, Min reward:\d+\.\d, Max reward:\d+\.\d, Average reward:[\d.]+\n$/,
    );
  });

  it('is reproducible for a seed (random policy, JSON)', async () => {
    const first = await cli('cartpole', '--policy', 'random', '--episodes', '5', '--seed', '4', '--json');
    const second = await cli('cartpole', '--policy', 'random', '--episodes', '5', '--seed', '4', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual(JSON.parse(second.out));
  });

  it('trains a DQN for a tiny budget and ends with the JSON line', async () => {
    const result = await cli(
      'dqn',
      '--budget',
      '600',
      '--eval-freq',
      '300',
      '--eval-episodes',
      '2',
      '--json',
      '--save',
      path.join(scratch, 'dqn'),
      '--seed',
      '2',
    );
    expect(result.code).toBe(0);
    const last = JSON.parse(result.out.trim().split('\n').at(-1)!);
    expect(Object.keys(last).sort()).toEqual(['envSteps', 'evalMean', 'seed', 'solved', 'wallSeconds']);
    expect(last.envSteps).toBeGreaterThan(0);
    expect(last.envSteps).toBeLessThanOrEqual(600);
    expect(last.seed).toBe(2);
    expect(result.err).toMatch(/dqn: /);
    expect(result.err).toContain(`saved agent to ${path.join(scratch, 'dqn', 'agent.dqn')}`);
    expect(readFileSync(path.join(scratch, 'dqn', 'agent.dqn')).length).toBeGreaterThan(1000);
  });
});

describe('gan commands', () => {
  it('trains a tiny dense GAN, then samples .npy and .png from its checkpoint', async () => {
    const out = path.join(scratch, 'gan');
    const train = await cli(
      'gan',
      'train',
      '--model',
      'dense',
      '--epochs',
      '1',
      '--images',
      '40',
      '--batch-size',
      '20',
      '--out',
      out,
      '--no-progress',
    );
    expect(train.code, train.err).toBe(0);
    expect(train.out).toMatch(/^epoch: 0000 d_loss = \d+\.\d{6} g_loss = \d+\.\d{6}/m);
    expect(readFileSync(path.join(out, 'epoch-0001.png')).subarray(1, 4).toString('ascii')).toBe('PNG');
    const npy = path.join(scratch, 'samples.npy');
    const sampled = await cli('gan', 'sample', '--checkpoint', out, '--count', '3', '--out', npy);
    expect(sampled.code, sampled.err).toBe(0);
    const bytes = readFileSync(npy);
    expect(bytes.subarray(1, 6).toString('ascii')).toBe('NUMPY');
    expect(bytes.toString('latin1')).toContain("'shape': (3, 28, 28)");
    const png = path.join(scratch, 'samples.png');
    expect((await cli('gan', 'sample', '--checkpoint', out, '--count', '4', '--out', png)).code).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString('ascii')).toBe('PNG');
    const empty = await cli('gan', 'sample', '--checkpoint', scratch, '--out', png);
    expect(empty.code).toBe(2);
    expectOneLineError(empty, /holds no readable/);
  });
});

describe('vision-transfer commands', () => {
  it('rejects an unknown model name with the list of models', async () => {
    const weights = path.join(scratch, 'weights.h5');
    writeFileSync(weights, 'not really');
    const image = path.join(scratch, 'image.png');
    writeFileSync(image, 'not really');
    const result = await cli('classify', '--model', 'vgg17', '--weights', weights, image);
    expect(result.code).toBe(2);
    expectOneLineError(result, /unknown model "vgg17"; use one of .*vgg16/);
  });

  it('classifies an image with weights saved in the tfjs format and prints the top 3', async () => {
    const specifier: string = '@tfkit/vision-transfer';
    const vision = (await import(/* @vite-ignore */ specifier)) as {
      createModel(name: string, options: { alpha: number; inputShape: number[] }): Promise<{ dispose(): void }>;
      saveLayersModel(
        model: unknown,
        directory: string,
        options: { weightsOnly: boolean },
      ): Promise<{ modelJsonPath: string }>;
    };
    const model = await vision.createModel('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3] });
    const saved = await vision.saveLayersModel(model, path.join(scratch, 'mobilenet'), { weightsOnly: true });
    model.dispose();
    const pixels = new Uint8Array(40 * 30 * 3).map((_, index) => (index * 37) % 256);
    const image = path.join(scratch, 'zebra.png');
    writeFileSync(image, encodePng({ width: 40, height: 30, channels: 3, data: pixels }));
    const result = await cli(
      'classify',
      '--model',
      'mobilenet',
      '--alpha',
      '0.25',
      '--weights',
      saved.modelJsonPath,
      '--top',
      '3',
      image,
    );
    expect(result.code, result.err).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toBe(`${image}:`);
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/^Probability \d+\.\d\d% of \[.+\]$/);
  });

  it('runs the offline transfer experiment with a tiny budget and prints the table', async () => {
    const result = await cli(
      'transfer',
      '--embedded',
      '--epochs',
      '2',
      '--train-per-class',
      '5',
      '--max-test',
      '40',
      '--json',
      '--no-progress',
    );
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out.trim().split('\n').at(-1)!);
    expect(report.results.map((entry: { method: string }) => entry.method).sort()).toEqual([
      'fineTuned',
      'fromScratch',
      'frozenBackbone',
    ]);
    for (const entry of report.results) expect(entry.testAccuracy).toBeGreaterThanOrEqual(0);
  });
});
