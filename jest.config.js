// One Jest run covers every workspace. Two projects: `unit` (no I/O, *.test.ts) and `integration`
// (*.int.test.ts, against the real local stack: Kafka, the schema registry, Postgres, S3).
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
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.worktrees/'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/src/**/*.test.ts', '<rootDir>/tools/*.test.ts', '<rootDir>/tests/**/*.test.ts', '!**/*.int.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
      slowTestThreshold: 30,
    },
  ],
};
