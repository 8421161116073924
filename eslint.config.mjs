import nx from '@nx/eslint-plugin';

/**
 * What may import what. Scopes keep the browser app and the server apart (both share only
 * contracts); types keep the layers in order; `scope:testing` (test scaffolding) is reachable only
 * from specs, e2e projects and the bench, never from production code.
 */
function dependencyRules({ testCode }) {
  const testing = testCode ? ['scope:testing'] : [];
  // Specs of any layer may drive the real modules through the API's test scaffolding (`type:testing`).
  const testingType = testCode ? ['type:testing'] : [];
  return [
    { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared', ...testing] },
    { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared', ...testing] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    // Test scaffolding drives the real API modules and the built server; it never reaches into the browser app.
    { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:testing', 'scope:api', 'scope:shared'] },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:platform', 'type:util'],
    },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:util'] },
    // Test scaffolding that builds real Nest apps (`@gtd/api-testing`) stands on data access and the platform.
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:platform', 'type:util'],
    },
    {
      sourceTag: 'type:feature',
      onlyDependOnLibsWithTags: [
        'type:feature',
        'type:data-access',
        'type:ui',
        'type:platform',
        'type:util',
        ...testingType,
      ],
    },
    {
      sourceTag: 'type:data-access',
      onlyDependOnLibsWithTags: ['type:data-access', 'type:platform', 'type:util', ...testingType],
    },
    // Presentational pieces: inputs in, events out; no data access, no features.
    { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util', ...testingType] },
    // The HTTP platform (Nest modules, the app factory, the cluster supervisor) builds on utilities only.
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:util', ...testingType] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...testingType] },
  ];
}

const boundaries = (options) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: dependencyRules(options),
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', 'tmp/**', 'bench-results/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testCode: false }),
      // A lib's `testing` entry point (fakes, fixtures) shares the lib's tags, so the tag rule cannot
      // keep it out of production code; this does.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gtd/*/testing', '@gtd/testing'],
              message: 'Test scaffolding: only specs, e2e and the bench import it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Specs, test set-up, a lib's `testing` entry point (imported by specs only), e2e projects and the
    // bench may use the test scaffolding. The globs are relative to the workspace root, also when a
    // project's own config spreads this one and is linted from the project's folder.
    basePath: import.meta.dirname,
    files: [
      '**/*.spec.ts',
      '**/test-setup.ts',
      '**/src/testing.ts',
      '**/src/testing/**',
      // The scaffolding projects themselves (scope:testing).
      'libs/testing/**',
      'libs/api/testing/**',
      'apps/*-e2e/**',
      'tools/**',
    ],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ testCode: true }),
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.cts', '**/*.mts', '**/*.js', '**/*.jsx', '**/*.cjs', '**/*.mjs'],
    // Override or add rules here
    rules: {},
  },
];
