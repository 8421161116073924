import nx from '@nx/eslint-plugin';
import baseConfig from './eslint.config.mjs';

/**
 * The lint config of an Angular project (apps/web, libs/web/*): Angular's rules for code and
 * templates, then the workspace's (module boundaries), with selectors carrying `prefix`.
 */
export function angularConfig(prefix) {
  return [
    ...nx.configs['flat/angular'],
    ...nx.configs['flat/angular-template'],
    ...baseConfig,
    {
      files: ['**/*.ts'],
      rules: {
        '@angular-eslint/directive-selector': ['error', { type: 'attribute', prefix, style: 'camelCase' }],
        '@angular-eslint/component-selector': ['error', { type: 'element', prefix, style: 'kebab-case' }],
      },
    },
  ];
}
