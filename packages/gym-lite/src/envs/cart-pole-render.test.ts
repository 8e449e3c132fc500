import { afterEach, describe, expect, it } from 'vitest';
import type { RgbFrame } from '../core.js';
import { setWarningHandler } from '../logger.js';
import { make } from '../registration.js';
import { CartPoleEnv } from './cart-pole.js';
import { axleColor, poleColor } from './cart-pole-render.js';

function pixel(frame: RgbFrame, row: number, column: number): number[] {
  const offset = (row * frame.width + column) * 3;
  return Array.from(frame.data.subarray(offset, offset + 3));
}

function renderAt(state: number[]): RgbFrame {
  const env = new CartPoleEnv({ renderMode: 'rgb_array' });
  env.reset({ seed: 0 });
  env.state = state;
  return env.render() as RgbFrame;
}

const white = [255, 255, 255];
const black = [0, 0, 0];

afterEach(() => {
  setWarningHandler(undefined);
});

describe('CartPole rgb_array rendering', () => {
  it('returns a 600x400 RGB frame', () => {
    const frame = renderAt([0, 0, 0, 0]);
    expect(frame.width).toBe(600);
    expect(frame.height).toBe(400);
    expect(frame.data).toBeInstanceOf(Uint8Array);
    expect(frame.data).toHaveLength(600 * 400 * 3);
  });

  it('draws background, track, cart, pole and axle where Gymnasium does', () => {
    const frame = renderAt([0, 0, 0, 0]);
    expect(pixel(frame, 0, 0)).toEqual(white);
    expect(pixel(frame, 399, 599)).toEqual(white);
    expect(pixel(frame, 299, 10)).toEqual(black);
    expect(pixel(frame, 299, 590)).toEqual(black);
    expect(pixel(frame, 298, 10)).toEqual(white);
    expect(pixel(frame, 310, 280)).toEqual(black);
    expect(pixel(frame, 286, 320)).toEqual(black);
    expect(pixel(frame, 310, 270)).toEqual(white);
    expect(pixel(frame, 200, 300)).toEqual([...poleColor]);
    expect(pixel(frame, 200, 310)).toEqual(white);
    expect(pixel(frame, 292, 300)).toEqual([...axleColor]);
    expect(pixel(frame, 150, 300)).toEqual(white);
  });

  it('tilts the pole with the angle and moves the cart with x', () => {
    const tilted = renderAt([0, 0, 0.2, 0]);
    expect(pixel(tilted, 174, 323)).toEqual([...poleColor]);
    expect(pixel(tilted, 174, 300)).toEqual(white);
    const left = renderAt([0, 0, -0.2, 0]);
    expect(pixel(left, 174, 277)).toEqual([...poleColor]);
    const moved = renderAt([1, 0, 0, 0]);
    expect(pixel(moved, 310, 430)).toEqual(black);
    expect(pixel(moved, 310, 280)).toEqual(white);
    expect(pixel(moved, 292, 425)).toEqual([...axleColor]);
  });

  it('works through make() and returns nothing without a render mode', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    const env = make('CartPole-v1', { renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    expect((env.render() as RgbFrame).data).toHaveLength(720000);
    const silent = make('CartPole-v1');
    silent.reset({ seed: 0 });
    expect(silent.render()).toBeUndefined();
    expect(warnings.at(-1)).toContain('without specifying any render mode');
    expect(new CartPoleEnv({ renderMode: 'rgb_array' }).render()).toBeUndefined();
  });
});

describe('CartPole ansi and human rendering', () => {
  it('draws a text picture', () => {
    const env = new CartPoleEnv({ renderMode: 'ansi' });
    env.reset({ seed: 0 });
    env.state = [0, 0, 0.1, 0];
    const text = env.render() as string;
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toContain('x=0.0000');
    expect(lines[0]).toContain('theta=0.1000 rad (5.7 deg)');
    expect(lines[1]!.trim()).toBe('/');
    expect(lines[2]).toBe(`${' '.repeat(29)}[#]`);
    expect(lines[3]).toHaveLength(61);
    env.state = [2.5, 0, -0.3, 0];
    const fallen = env.render() as string;
    expect(fallen).toContain('FALLEN');
    expect(fallen.split('\n')[1]!.trim()).toBe('\\');
  });

  it("passes frames to humanRenderer in 'human' mode on reset and step", () => {
    const frames: RgbFrame[] = [];
    const env = make('CartPole-v1', { renderMode: 'human', humanRenderer: (frame) => frames.push(frame) });
    env.reset({ seed: 0 });
    env.step(0);
    expect(frames).toHaveLength(2);
    expect(frames[0]!.width).toBe(600);
    expect(env.render()).toBeUndefined();
  });
});
