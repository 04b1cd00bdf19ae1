// Unit tests: pure logic, no I/O, no broker, no database. Fast; run them often.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'unit',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.unit.spec.{ts,tsx}'],
};
