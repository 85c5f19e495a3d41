import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

const plugins = () => [
  typescript({ tsconfig: 'tsconfig.build.json', outDir: 'dist', rootDir: '.', module: 'NodeNext', sourceMap: false }),
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json()
]

const onwarn = (warning, warn) => {
  // Dependencies (@actions/*, openai) use `this` at module top level and circular imports; both are harmless.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
  warn(warning)
}

export default [
  {
    input: 'src/index.ts',
    output: { file: 'dist/index.js', format: 'es', inlineDynamicImports: true },
    plugins: plugins(),
    onwarn
  },
  {
    input: 'src/cli.ts',
    output: {
      file: 'dist/cli.js',
      format: 'es',
      inlineDynamicImports: true,
      banner: '#!/usr/bin/env node'
    },
    plugins: plugins(),
    onwarn
  }
]
