// ESLint flat config: typescript-eslint's recommended rules, plus the import
// boundaries that keep the architecture honest (see docs/architecture.md):
// lib/ is cloud-neutral and imports nothing outside lib/; backends (cdk/,
// pulumi/*) and the bridge import lib/, never cli/.
import tseslint from 'typescript-eslint';

const CLOUD_SDKS = ['aws-cdk-lib', 'aws-cdk-lib/**', 'constructs', 'cdk-nag', '@aws-cdk/**', '@pulumi/**', '@google-cloud/**', '@azure/**', 'mqtt'];
const outside = (...folders) => ({ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message: 'crosses an architecture boundary (see docs/architecture.md)' });

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.dist-test-*/**', '.bin-test-*/**', 'cdk.out/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: CLOUD_SDKS, message: 'lib/ is cloud-neutral: no cloud SDK' }, outside('cli', 'cdk', 'pulumi', 'bridge', 'test', 'bench')],
        },
      ],
    },
  },
  {
    files: ['cdk/**/*.ts', 'pulumi/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [outside('cli', 'bridge', 'test', 'bench')] }] },
  },
  {
    files: ['bridge/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [outside('cli', 'cdk', 'pulumi', 'test', 'bench')] }] },
  },
  {
    // Lazy loading of backend roles: under tsx/cjs Node's import() cannot
    // load a .ts file, so these registries use require() on purpose.
    files: ['cli/backends.ts', 'cli/main.ts', '**/backend.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
