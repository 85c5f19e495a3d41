import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const RUNTIME = 'src/runtime'
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function specifiers(text: string): string[] {
  return Array.from(text.matchAll(IMPORT), match => match[1] ?? match[2] ?? '')
}

describe('promptgate/runtime stands alone', () => {
  it('imports only its own modules and node built-ins: nothing from the action, no npm package', () => {
    const files = readdirSync(RUNTIME).filter(name => name.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(5)
    const outside = files.flatMap(file =>
      specifiers(readFileSync(join(RUNTIME, file), 'utf8'))
        .filter(spec => !/^\.\/[\w-]+\.js$/.test(spec) && !spec.startsWith('node:'))
        .map(spec => `${file}: ${spec}`)
    )
    expect(outside).toEqual([])
  })

  it('finds imports when there are some (the check itself works)', () => {
    expect(
      specifiers("import { a } from '../registry/types.js'\nimport type { B } from '@actions/core'")
    ).toEqual(['../registry/types.js', '@actions/core'])
  })
})
