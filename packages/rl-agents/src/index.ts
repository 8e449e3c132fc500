/**
 * `@tfkit/rl-agents`.
 *
 * @packageDocumentation
 */

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
