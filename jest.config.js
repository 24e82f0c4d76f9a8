// One Jest run covers every workspace. Projects: `unit` (no I/O, *.test.ts), `integration`
// (*.int.test.ts, against the real local stack: Kafka, the schema registry, Postgres, S3) and
// `faults` (*.fault.test.ts: stops and kills the stack's servers, so the test runner runs it on its
// own, after the others, one file at a time — see tools/test.ts).
// TypeScript is stripped by SWC (fast, no type check); `npm run build` type-checks everything.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/schemas/src', '<rootDir>/packages', '<rootDir>/services', '<rootDir>/tests', '<rootDir>/bench', '<rootDir>/tools'],
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: {
    '^@marketbill/(platform|messaging|testing|runtime)$': '<rootDir>/packages/$1/src',
    '^@marketbill/(platform|messaging|testing|runtime)/(.*)$': '<rootDir>/packages/$1/src/$2',
    '^@marketbill/schemas$': '<rootDir>/schemas/src',
    // A dynamic import() names the built file (`./x.js`, as Node16 resolution requires); here the source.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.worktrees/'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/src/**/*.test.ts', '<rootDir>/tools/**/*.test.ts', '<rootDir>/tests/**/*.test.ts', '!**/*.int.test.ts', '!**/*.fault.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'faults',
      testMatch: ['**/*.fault.test.ts'],
      globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testing/src/global-teardown.ts',
      slowTestThreshold: 600,
    },
  ],
};
