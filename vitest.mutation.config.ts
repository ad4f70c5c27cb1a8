// The fast unit tests Stryker runs against each mutant: the pure core and the emulator's pure codecs. No global
// setup (no Azurite, no emulator), so a mutant run costs milliseconds; the slow integration tests are not used to
// kill mutants on purpose (a mutant must be caught by the module's own tests).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/functions/core/**/*.test.ts',
      'test/local/eventhubs/addresses.test.ts',
      'test/local/eventhubs/amqpBytes.test.ts',
      'test/local/eventhubs/amqpScan.test.ts',
      'test/local/eventhubs/frameWriter.test.ts',
      'test/local/eventhubs/messageCodec.test.ts',
      'test/local/eventhubs/partitionKey.test.ts',
      'test/local/eventhubs/positionFilter.test.ts',
      'test/local/eventhubs/sas.test.ts',
    ],
    testTimeout: 10_000,
  },
});
