// Integration and end-to-end tests: real Kafka and real PostgreSQL. One broker and one
// database server serve the whole run (started in globalSetup, via testcontainers where a
// container runtime answers, else the local broker of infra/kafka and the local PostgreSQL).
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.{int,e2e}.spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/lib/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/lib/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
};
