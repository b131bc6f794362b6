// Two projects: unit specs beside the code, and e2e specs against the real RabbitMQ.
// @swc/jest strips types only; `npm run typecheck` (tsc --noEmit) runs the type check once.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@warren/(actors|amqp|config|contracts|models|moderation|store|telemetry)$': '<rootDir>/libs/$1/src',
  '^@warren/client$': '<rootDir>/packages/client/src',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,packages,examples}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testTimeout: 60_000,
      slowTestThreshold: 20,
    },
  ],
};
