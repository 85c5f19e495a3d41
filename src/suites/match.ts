import picomatch from 'picomatch'

/**
 * Whether a repository path matches any of a suite's `prompts` globs. Globs match dotfiles and
 * dot-directories too (`.github/prompts/*.md`), and always use `/`, as git paths do.
 */
export function createPathMatcher(globs: readonly string[]): (path: string) => boolean {
  const matches = picomatch([...globs], { dot: true, windows: false })
  return path => matches(path)
}
