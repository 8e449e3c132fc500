import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { WeightsLoadError } from '../errors.js';

/** Name of the weights inside a Keras 3 `.keras` archive (keras/src/saving/saving_lib.py). */
const weightsName = 'model.weights.h5';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** The central directory of a zip (with zip64 sizes and offsets). */
function zipEntries(data: Buffer, file: string): ZipEntry[] {
  const damaged = () =>
    new WeightsLoadError({
      source: file,
      message: `${file} starts like a zip (.keras) archive but its directory is damaged; save it again.`,
    });
  let end = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 65_535); at--) {
    if (data.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged();
  let count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  if (offset === 0xffffffff || count === 0xffff) {
    const locator = end - 20;
    if (locator < 0 || data.readUInt32LE(locator) !== 0x07064b50) throw damaged();
    const record = Number(data.readBigUInt64LE(locator + 8));
    count = Number(data.readBigUInt64LE(record + 32));
    offset = Number(data.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== 0x02014b50) throw damaged();
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    let compressedSize = data.readUInt32LE(offset + 20);
    const uncompressedSize = data.readUInt32LE(offset + 24);
    let localOffset = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    // zip64 extra field: the 64-bit values of the fields that are 0xffffffff, in this order
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = data.readUInt16LE(extra);
      const size = data.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff) field += 8;
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(data.readBigUInt64LE(field));
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(data.readBigUInt64LE(field));
      }
      extra += 4 + size;
    }
    entries.push({ name, method: data.readUInt16LE(offset + 10), compressedSize, localOffset });
    offset = extraEnd + commentLength;
  }
  return entries;
}

/**
 * When `file` is a Keras 3 `.keras` archive (a zip), extracts its `model.weights.h5` to a
 * temporary file. Keras writes the archive uncompressed; deflated entries are read too.
 *
 * @param file - any path
 * @returns `undefined` for files that are not zips, else the extracted file and a function that
 *   removes it
 * @throws {@link WeightsLoadError} for an archive without `model.weights.h5` (e.g. saved with
 *   `weights_format='npz'`) or a damaged one
 */
export async function extractKerasArchiveWeights(
  file: string,
): Promise<{ file: string; remove: () => void } | undefined> {
  const handle = await open(file, 'r');
  const magic = Buffer.alloc(4);
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (magic.readUInt32LE(0) !== 0x04034b50) return undefined;
  const data = await readFile(file);
  const entries = zipEntries(data, file);
  const entry = entries.find((candidate) => candidate.name === weightsName);
  if (!entry) {
    throw new WeightsLoadError({
      source: file,
      message: `${file} is a zip (.keras) archive without ${weightsName} (it holds ${entries.map((candidate) => candidate.name).join(', ') || 'nothing'}); save the model with Keras 3's model.save('x.keras') (weights in HDF5, the default) or its weights with model.save_weights('x.weights.h5').`,
    });
  }
  const local = entry.localOffset;
  if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) {
    throw new WeightsLoadError({
      source: file,
      message: `${file}: the ${weightsName} entry of the archive is damaged; save it again.`,
    });
  }
  const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
  const stored = data.subarray(start, start + entry.compressedSize);
  let contents: Buffer;
  if (entry.method === 0) contents = stored;
  else if (entry.method === 8) contents = inflateRawSync(stored);
  else {
    throw new WeightsLoadError({
      source: file,
      message: `${file}: ${weightsName} is compressed with zip method ${entry.method}; unzip the archive and load ${weightsName} itself.`,
    });
  }
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-keras-'));
  const extracted = path.join(directory, `${path.basename(file)}-${weightsName}`);
  await writeFile(extracted, contents);
  return { file: extracted, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
