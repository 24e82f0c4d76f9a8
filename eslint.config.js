// ESLint: typescript-eslint's recommended rules plus the boundaries of our architecture.
// - services never import each other (business facts cross services only as Avro schemas);
// - a service's domain/ imports no I/O library (it is pure rules);
// - use-cases/ import no ORM value (they use repositories), entry-points/ import no data-access/;
// - process.env is read only in config files (typed, validated, fail-fast configuration);
// - the messaging package does not import the business topic list: services hand it their topics.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

const SERVICES = ['auction-ingest', 'catalog', 'ordering', 'billing', 'notifier'];
const NO_SERVICES_IN_PACKAGES = {
  group: ['**/services/**', '@marketbill/ordering', '@marketbill/catalog', '@marketbill/billing', '@marketbill/notifier', '@marketbill/auction-ingest'],
  message: 'packages/ are plumbing: they import nothing from services/.',
};
const IO_LIBRARIES = [
  'kafkajs',
  '@kafkajs/*',
  '@mikro-orm/*',
  'express',
  'pg',
  'axios',
  '@aws-sdk/*',
  'pdfkit',
  'node-cron',
  'node:fs',
  'node:http',
  'node:https',
  'node:net',
  'node:child_process',
  'fs',
  'http',
  'https',
  '@marketbill/messaging',
];

module.exports = tseslint.config(
  {
    ignores: ['.worktrees/**', '**/dist/**', '**/node_modules/**', '.cache/**', '.stack/**', 'schemas/src/generated.ts', 'bench/out/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in config.ts only.' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/config.ts', 'tools/**', 'bench/**', 'packages/testing/**', 'tests/support/**', 'tests/faults/**', '**/*.test.ts', 'jest.config.js', 'eslint.config.js', '**/*.mts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The trace viewer's page script runs in the browser (Jaeger serves it as it is).
    files: ['tools/stack/jaeger-ui/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  ...SERVICES.flatMap((service) => {
    const otherServices = {
      group: SERVICES.filter((s) => s !== service).flatMap((s) => [`@marketbill/${s}`, `@marketbill/${s}/*`, `**/${s}/src/**`]),
      message: 'Services never import each other: share facts through Avro schemas (@marketbill/schemas).',
    };
    return [
      {
        files: [`services/${service}/src/**/*.ts`],
        rules: { 'no-restricted-imports': ['error', { patterns: [otherServices] }] },
      },
      {
        files: [`services/${service}/src/domain/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                otherServices,
                { group: IO_LIBRARIES, message: 'domain/ holds pure rules: no I/O libraries.' },
                {
                  group: ['**/data-access/**', '**/entry-points/**', '**/clients/**', '**/use-cases/**', '../topics', '../../topics'],
                  message: 'domain/ depends on nothing else in the service.',
                },
              ],
            },
          ],
        },
      },
      {
        // Use cases speak to repositories and the domain: queries, locks and driver errors belong to
        // data-access/. Types (EntityManager, FilterQuery) may still name the ORM.
        files: [`services/${service}/src/use-cases/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            { patterns: [{ group: ['@mikro-orm/*'], allowTypeImports: true, message: 'use-cases/ reach the database through data-access/ repositories: no ORM values here.' }] },
          ],
        },
      },
      {
        // Entry points translate (HTTP, messages, schedules) and call use cases; they never reach
        // past them into repositories or entities. Tests beside them may set up rows directly.
        files: [`services/${service}/src/entry-points/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            { patterns: [{ group: ['**/data-access/**', '**/data-access'], message: 'entry-points/ call use-cases/, never data-access/ (repositories, entities).' }] },
          ],
        },
      },
    ];
  }),
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_SERVICES_IN_PACKAGES] }],
    },
  },
  {
    // Messaging is plumbing too: each service hands it its topics (`bindTopics<TopicEvents>(TOPICS)`
    // in its src/topics.ts), so it never imports the business topic list or the event types. The
    // topic-naming rules (`<topic>-value` subjects, `<topic>.dlq`) are plain string rules and may come
    // from @marketbill/schemas. The CLIs (mb-tail, mb-dlq: tools of the whole system) and the tests
    // read the catalogue themselves.
    files: ['packages/messaging/src/**/*.ts'],
    ignores: ['packages/messaging/src/cli/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [NO_SERVICES_IN_PACKAGES],
          paths: [
            {
              name: '@marketbill/schemas',
              allowImportNames: ['subjectOf', 'deadLetterTopicOf'],
              message: 'messaging gets its topics from the service (bindTopics / createTopicNaming), never from the business topic list.',
            },
          ],
        },
      ],
    },
  },
  {
    // A migration extends @marketbill/platform's Migration. The index of @mikro-orm/migrations would
    // load umzug and its command line into every serving process, which never migrates where an
    // init container does (packages/platform/src/migration.ts).
    files: ['services/*/src/data-access/migrations/**/*.ts', 'packages/messaging/src/migrations.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@mikro-orm/migrations', allowTypeImports: true, message: "extend Migration from '@marketbill/platform' (it leaves the migration runner unloaded)." }] },
      ],
    },
  },
);
