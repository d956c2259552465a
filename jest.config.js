/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // isolatedModules is off so every test file is type-checked.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // `feed` ships only as an ES module; Node's require() loads it, Jest's does not, so Jest compiles it.
    '/node_modules/feed/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!feed/)'],
  setupFiles: ['<rootDir>/test/helpers/production-mongoose.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // Browser and server-process tests share a noisy 2-core machine; a hang still fails, later.
  testTimeout: 90000,
  maxWorkers: 2,
};
