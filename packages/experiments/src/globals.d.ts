/** Replaced at build time by tsup with the package version. */
declare const __PACKAGE_VERSION__: string;
