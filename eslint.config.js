// Lint, including ARCHITECTURE §2's import rules (scripts/lint/layers.js) as an error.
import tseslint from 'typescript-eslint';
import layers from './scripts/lint/layers.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'bench/results.json', '.scratch-*/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { linkage: layers },
    rules: {
      'linkage/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
);
