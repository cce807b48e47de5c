import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier/flat';

const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': 'error',
};

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'src/web/api/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: [
      'src/server/**/*.ts',
      'src/shared/**/*.ts',
      'src/cli/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: typeAwareRules,
  },
  ...vue.configs['flat/recommended'],
  {
    files: ['src/web/**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
  },
  {
    // The web app's own TypeScript gets the same promise and switch rules as the server's.
    files: ['src/web/**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./src/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: typeAwareRules,
  },
  {
    // TypeScript already resolves every name (DOM types included); typescript-eslint advises no-undef off.
    files: ['**/*.ts', 'src/web/**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['src/web/**/*.{ts,vue}'],
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  {
    // "The platform or the own department" is decided by scopeOf (platform/rbac/scope.ts) alone.
    files: ['src/server/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='includes'] > Literal[value='platform_admin']",
          message: 'Authorization by role goes through scopeOf/inScope (platform/rbac/scope.ts) or can().',
        },
      ],
    },
  },
  {
    files: ['bin/**/*.mjs', 'scripts/**/*.mjs', 'docs/**/*.mjs', '*.js', '*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', module: 'writable', fetch: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Formatting is prettier's (npm run format:check in CI); eslint keeps to correctness.
  prettier,
);
