// Mutation testing (`npm run test:mutation`, not part of `npm test`): StrykerJS plants small bugs in the pure code
// and runs only the fast unit tests listed in vitest.mutation.config.ts against each one. Globs, so core modules
// added later are picked up without an edit here. Survivors that cannot be killed are listed with the reason in
// docs/mutation-equivalents.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  mutate: [
    'functions/core/**/*.ts',
    'local/eventhubs/messageCodec.ts',
    'local/eventhubs/amqpBytes.ts',
    'local/eventhubs/amqpScan.ts',
    'local/eventhubs/frameWriter.ts',
    'local/eventhubs/sas.ts',
    'local/eventhubs/partitionKey.ts',
    'local/eventhubs/positionFilter.ts',
  ],
  coverageAnalysis: 'perTest',
  // The machine is shared: one test runner process (and one TypeScript checker beside it).
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Not needed by the unit tests; tools/ holds the Bicep CLI (~120 MB) that would otherwise be copied per sandbox.
  ignorePatterns: ['tools', 'dist', 'out', '.demo', '.azurite', 'infra'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
