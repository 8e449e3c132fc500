import { SpaceError } from '../errors.js';
import { Box, type BoxDtype } from './box.js';
import { Discrete } from './discrete.js';
import { MultiDiscrete } from './multi-discrete.js';
import { parseJsonNumber, type Space, type SpaceJSON } from './space.js';

/**
 * Rebuilds a space from its JSON form ({@link Space.toJSON}).
 *
 * @param json - a parsed `SpaceJSON` object
 * @returns a new, unseeded space equal to the original
 * @throws {@link SpaceError} for an unknown `type` or invalid fields
 * @example
 * ```ts
 * const copy = spaceFromJSON(JSON.parse(JSON.stringify(env.observationSpace)));
 * copy.equals(env.observationSpace); // true
 * ```
 */
export function spaceFromJSON(json: SpaceJSON): Space<unknown> {
  switch (json?.type) {
    case 'Discrete':
      return new Discrete(json.n, json.start);
    case 'Box':
      return new Box(json.low.map(parseJsonNumber), json.high.map(parseJsonNumber), json.shape, json.dtype as BoxDtype);
    case 'MultiDiscrete':
      return new MultiDiscrete(json.nvec, { start: json.start });
    default:
      throw new SpaceError({
        message: `Unknown space JSON type ${String((json as { type?: unknown })?.type)}; expected Discrete, Box or MultiDiscrete.`,
      });
  }
}
