/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // isolatedModules is off so every test file is type-checked.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // d3's packages resolve to ES modules, which Node's require() loads and Jest's does not;
  // each also ships a UMD build that Jest can load as it is.
  moduleNameMapper: { '^(d3-[a-z-]+|internmap)$': '<rootDir>/node_modules/$1/dist/$1.js' },
  setupFiles: ['<rootDir>/test/helpers/production-mongoose.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // Browser and server-process tests share a noisy 2-core machine; a hang still fails, later.
  testTimeout: 90000,
  maxWorkers: 2,
};
