/**
 * Edit-distance suggestions ("did you mean ...?") for unknown ids, options and commands.
 */

/**
 * The Levenshtein distance between two strings (insertions, deletions and substitutions cost 1).
 *
 * @param a - a string
 * @param b - another string
 * @returns the number of single-character edits that turn `a` into `b`
 * @example
 * ```ts
 * editDistance('CartPole', 'CartPol'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Options of {@link closestMatches}. */
export interface ClosestMatchesOptions {
  /**
   * How many matches at most.
   * @defaultValue `3`
   */
  limit?: number;
  /**
   * The least similarity (`1 - distance / longer length`, case-insensitive) a match needs, like
   * difflib's `cutoff`.
   * @defaultValue `0.6`
   */
  cutoff?: number;
  /**
   * A second form of each string to compare as well (e.g. an env id without its `-v1` version);
   * the better of the two scores counts, the second less `0.05`.
   */
  normalize?: ((text: string) => string) | undefined;
}

/**
 * The candidates closest to `input` by case-insensitive edit distance, best first, like Python's
 * `difflib.get_close_matches`.
 *
 * @param input - what the user typed
 * @param candidates - the valid values
 * @param options - limit, cutoff and a second normal form
 * @returns up to `limit` candidates with similarity >= `cutoff`, best first (ties alphabetical)
 * @example
 * ```ts
 * closestMatches('cartpole-v1', ['CartPole-v0', 'CartPole-v1', 'Taxi-v4']); // ['CartPole-v1', 'CartPole-v0']
 * ```
 */
export function closestMatches(
  input: string,
  candidates: Iterable<string>,
  options: ClosestMatchesOptions = {},
): string[] {
  const { limit = 3, cutoff = 0.6, normalize } = options;
  const target = String(input).toLowerCase();
  const similarity = (a: string, b: string): number => 1 - editDistance(a, b) / Math.max(a.length, b.length, 1);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    let score = similarity(target, lower);
    if (normalize) score = Math.max(score, similarity(normalize(target), normalize(lower)) - 0.05);
    if (score >= cutoff) scored.push({ candidate, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/**
 * A hint for an error message: `' Did you mean "x"?'` when a candidate is close, else `''`.
 *
 * @param input - what the user typed
 * @param candidates - the valid values
 * @param options - see {@link closestMatches}; `limit` defaults to 1 here
 * @returns the hint with a leading space, or an empty string
 * @example
 * ```ts
 * `Unknown option --lerning-rate.${didYouMean('lerning-rate', ['learning-rate', 'seed'])}`;
 * // 'Unknown option --lerning-rate. Did you mean "learning-rate"?'
 * ```
 */
export function didYouMean(input: string, candidates: Iterable<string>, options: ClosestMatchesOptions = {}): string {
  const matches = closestMatches(input, candidates, { limit: 1, ...options });
  if (matches.length === 0) return '';
  return ` Did you mean ${matches.map((match) => `"${match}"`).join(' or ')}?`;
}
