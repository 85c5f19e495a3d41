import type { Path } from './positions.js'

/**
 * Names places in a config (or a golden set) the way a reader would: `suite "triage"`,
 * `the provider of suite "triage"`, `"weight" in assertion 2 of test case 3`.
 * `root` is the parsed config; it supplies suite names.
 */
export class PathDescriber {
  constructor(private readonly root: unknown) {}

  /** The object at `path`, as the place keys live in: "in <container>". */
  container(path: Path): string {
    if (path.length === 0) return 'the top level'
    const last = path[path.length - 1]!
    const parent = path.slice(0, -1)
    const owner = path.slice(0, -2)
    const parentKey = parent[parent.length - 1]
    if (typeof last === 'number') {
      if (parent.length === 1 && parentKey === 'suites') return this.suite(last)
      if (parentKey === 'tests') return `test case ${last + 1}${this.of(owner)}`
      if (parentKey === 'assert') return `assertion ${last + 1}${this.of(owner)}`
      if (parent.length === 2 && parent[0] === 'rollout' && parentKey === 'plans')
        return `rollout plan ${last + 1}`
      if (parentKey === 'guardrails') return `guardrail ${last + 1}${this.of(owner)}`
      return `item ${last + 1} of ${this.subject(parent)}`
    }
    if (parentKey === 'thresholds') return `threshold "${last}"${this.of(owner)}`
    if (last === 'provider' || last === 'grader' || last === 'thresholds' || last === 'vars') {
      return parent.length === 0 ? last : `the ${last} of ${this.container(parent)}`
    }
    return this.subject(path)
  }

  /** The value at `path`, as the subject of a sentence: "<subject> must be a number". */
  subject(path: Path): string {
    if (path.length === 0) return 'the config'
    const last = path[path.length - 1]!
    const parent = path.slice(0, -1)
    if (typeof last === 'number' || parent[parent.length - 1] === 'thresholds') return this.container(path)
    return parent.length === 0 ? `"${last}"` : `"${last}" in ${this.container(parent)}`
  }

  /** " of <container>", or nothing at the top level. */
  private of(path: Path): string {
    return path.length === 0 ? '' : ` of ${this.container(path)}`
  }

  private suite(index: number): string {
    const suites = (this.root as { suites?: unknown } | null)?.suites
    const name = Array.isArray(suites) ? (suites[index] as { name?: unknown } | null)?.name : undefined
    return typeof name === 'string' && name !== '' ? `suite "${name}"` : `suite ${index + 1}`
  }
}
