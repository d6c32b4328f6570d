// Lint rules: typescript-eslint's recommended set, plus the layers (docs/design.md "Layout"): the
// pure core (topology/, cloudinit/, images/, monitoring/, stacks/) does no file or process I/O, and imports only
// go down: topology ← cloudinit ← images ← monitoring ← stacks ← workspace ← roll ← aws ← lab ← cli. Formatting is
// prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'node:fs',
  'node:fs/promises',
  'node:child_process',
];

/** Each folder, bottom first, with the folders above it that it must not import. */
const LAYERS = [
  'topology',
  'cloudinit',
  'images',
  'monitoring',
  'stacks',
  'workspace',
  'roll',
  'aws',
  'lab',
  'cli',
];
const PURE = new Set(['topology', 'cloudinit', 'images', 'monitoring', 'stacks']);
/** Programs are run only through workspace/run-process.ts (run, runOk, start, runSync). */
const PROCESS_MODULES = ['child_process', 'node:child_process'];

const layerRules = LAYERS.map((folder, i) => {
  const above = LAYERS.slice(i + 1);
  const patterns = above.length
    ? [
        {
          regex: `^(\\.\\./)+(${above.join('|')})(/|$)`,
          message: `${folder}/ may not import ${above.join('/, ')}/: imports go only down the layers (docs/design.md).`,
        },
      ]
    : [];
  const paths = PURE.has(folder)
    ? IO_MODULES.map((name) => ({
        name,
        message: `${folder}/ is pure (no file or process I/O); do it in an edge folder (workspace/, aws/, lab/) and pass the result in.`,
      }))
    : folder === 'workspace'
      ? []
      : PROCESS_MODULES.map((name) => ({
          name,
          message: `run programs through workspace/run-process.ts (run, runOk, start, runSync), the one process runner.`,
        }));
  return {
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'images/out/', 'bin/', '.gen/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
);
