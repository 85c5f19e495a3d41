import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import esbuild from 'rollup-plugin-esbuild'
import { runtimeDeclarations } from './scripts/runtime-declarations.js'

// Type-checking is `npm run build` (tsc); the bundle only strips types, which keeps it fast and
// independent of how a Rollup plugin would resolve the dependencies' type declarations.
const plugins = () => [
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json({ preferConst: true }),
  esbuild({ target: 'node24', minify: true, legalComments: 'none' })
]

const onwarn = (warning, warn) => {
  // Dependencies (@actions/*, openai) use `this` at module top level and circular imports; both are harmless.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
  warn(warning)
}

// Optional features (artifact upload, the Actions cache) are dynamic imports and land in
// chunks of their own, so a run that does not use them never loads or parses them.
const bundle = (input, name, extra = {}) => ({
  input: { [name]: input },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: `chunks/${name}-[name]-[hash].js`,
    ...extra
  },
  plugins: plugins(),
  onwarn
})

export default [
  bundle('src/index.ts', 'index'),
  bundle('src/cli.ts', 'cli', { banner: chunk => (chunk.isEntry ? '#!/usr/bin/env node' : '') }),
  // promptgate/runtime ships to services: one file of its own, sharing no chunk with the action.
  {
    input: { runtime: 'src/runtime/index.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js' },
    plugins: [...plugins(), runtimeDeclarations({ entry: 'src/runtime/index.ts', outDir: 'src/runtime' })],
    onwarn
  }
]
