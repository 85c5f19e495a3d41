/** The README's inputs table is the action's interface as users read it: it must match action.yml. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('../../', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}
const readme = readFileSync(new URL('README.md', root), 'utf8')

/** `| \`name\` | default | meaning |` rows of the table under "### Inputs". */
function documentedInputs(): Map<string, string> {
  const section = readme.slice(readme.indexOf('### Inputs'), readme.indexOf('### Outputs'))
  const rows = new Map<string, string>()
  for (const match of section.matchAll(/^\| `([a-z-]+)` +\| ([^|]*?) +\|/gm)) rows.set(match[1]!, match[2]!)
  return rows
}

describe('the README inputs table', () => {
  const documented = documentedInputs()

  it.each(Object.keys(action.inputs))('documents %s with its default', name => {
    const fallback = String(action.inputs[name]!.default ?? '')
    const row = documented.get(name)
    expect({ name, documented: row !== undefined }).toEqual({ name, documented: true })
    // An empty default is described in words, in parentheses: "(empty)", "(github-token)".
    if (fallback === '') expect(row).toMatch(/^\(.+\)$/)
    else expect(row).toBe(`\`${fallback}\``)
  })

  it('documents no input the action does not have', () => {
    expect([...documented.keys()].filter(name => !(name in action.inputs))).toEqual([])
  })
})
