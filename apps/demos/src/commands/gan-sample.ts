import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GanPreset, GanStyle } from '@tfkit/gan';
import { CliUsageError } from '../cli/errors.js';
import { loadGan } from '../cli/gan.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { requireExisting } from './files.js';

/** `tfkit gan sample`. */
export const ganSampleCommand: Command = {
  path: ['gan', 'sample'],
  summary: 'draw images from a GAN checkpoint into a NumPy .npy file or a PNG grid',
  options: [
    {
      name: 'checkpoint',
      type: 'string',
      placeholder: 'DIR',
      description: 'checkpoint directory written by tfkit gan train',
    },
    {
      name: 'count',
      type: 'integer',
      placeholder: 'N',
      description: 'images to draw',
      default: 16,
      min: 1,
      max: 100_000,
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'FILE',
      description: 'FILE.npy (uint8 [n, 28, 28]) or FILE.png (grid)',
    },
    {
      name: 'label',
      type: 'integer',
      placeholder: 'L',
      description: 'class to draw (conditional GAN only)',
      min: 0,
      max: 9,
    },
  ],
  examples: [
    'tfkit gan sample --checkpoint out/gan --count 64 --out samples.png',
    'tfkit gan sample --checkpoint out/gan --count 1000 --out samples.npy',
    'tfkit gan sample --checkpoint out/cgan --label 7 --count 10 --out sneakers.png',
  ],
  async run(context) {
    if (context.options.checkpoint === undefined) throw new CliUsageError({ message: 'missing --checkpoint DIR.' });
    if (context.options.out === undefined) throw new CliUsageError({ message: 'missing --out FILE.npy|FILE.png.' });
    const out = path.resolve(String(context.options.out));
    const extension = path.extname(out).toLowerCase();
    if (extension !== '.npy' && extension !== '.png')
      throw new CliUsageError({ message: `--out must end in .npy or .png, got "${String(context.options.out)}".` });
    const directory = requireExisting(String(context.options.checkpoint), '--checkpoint', 'directory');
    await useBackend(context);
    const gans = await loadGan();
    const manifestFile = path.join(directory, gans.CHECKPOINT_FILE);
    let manifest: { preset?: GanPreset; style?: GanStyle; epoch?: number };
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch {
      throw new CliUsageError({
        message: `--checkpoint "${String(context.options.checkpoint)}" holds no readable ${gans.CHECKPOINT_FILE}; train one with tfkit gan train --out DIR.`,
      });
    }
    const gan = gans.createGan({ preset: manifest.preset, style: manifest.style });
    try {
      await gans.loadCheckpoint(directory, gan);
      const count = Number(context.options.count);
      if (context.options.label !== undefined && gan.classes === 0) {
        throw new CliUsageError({
          message: `--label needs a conditional GAN (tfkit gan train --model cgan); this checkpoint is '${gan.preset}'.`,
        });
      }
      const labels = context.options.label === undefined ? undefined : Number(context.options.label);
      const images = gan.sample(count, { seed: context.seed, ...(labels === undefined ? {} : { labels }) });
      if (extension === '.npy') await gans.saveNpy(out, images);
      else await gans.saveGrid(out, images, { columns: Math.ceil(Math.sqrt(count)) });
      context.print(`wrote ${count} samples of ${gan.preset} (epoch ${manifest.epoch ?? '?'}) to ${out}`);
    } finally {
      gan.dispose();
    }
    return 0;
  },
};
