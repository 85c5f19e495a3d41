// A Rollup plugin that emits `dist/runtime.d.ts` for `promptgate/runtime`: tsc's declarations of
// src/runtime/ under dist/runtime/, and runtime.d.ts re-exporting them. Deterministic, so
// `npm run check-dist` can compare it.
import { relative, resolve } from 'node:path'
import ts from 'typescript'

export function runtimeDeclarations({ entry, outDir }) {
  return {
    name: 'runtime-declarations',
    generateBundle() {
      const program = ts.createProgram([entry], {
        declaration: true,
        emitDeclarationOnly: true,
        strict: true,
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        skipLibCheck: true,
        rootDir: outDir
      })
      const emitted = []
      const { diagnostics } = program.emit(undefined, (fileName, text) => emitted.push({ fileName, text }))
      if (diagnostics.length > 0) {
        this.error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})))
      }
      for (const { fileName, text } of emitted.sort((a, b) => a.fileName.localeCompare(b.fileName))) {
        const path = relative(resolve(outDir), resolve(fileName)).split('\\').join('/')
        this.emitFile({ type: 'asset', fileName: `runtime/${path}`, source: text })
      }
      this.emitFile({
        type: 'asset',
        fileName: 'runtime.d.ts',
        source: "export * from './runtime/index.js'\n"
      })
    }
  }
}
