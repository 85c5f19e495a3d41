import { UserError } from '../errors.js'

const OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`'])

/**
 * Splits a command line into a program and its arguments the way a POSIX shell splits a simple command,
 * without running one: blanks separate words, `'...'` is literal, `"..."` keeps `\"`, `\\`, `\$` and
 * `` \` `` escapes, and a backslash outside quotes escapes the next character. What only a shell could do
 * (pipes, redirections, `$VAR`, `$(...)`) is a UserError rather than a silently literal argument.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  const fail = (problem: string): never => {
    throw new UserError(`command "${line}" ${problem}`)
  }
  const checkExpansion = (at: number): void => {
    if (line[at] === '$' && /[A-Za-z_({]/.test(line[at + 1] ?? '')) {
      fail(
        `uses the shell expansion "${line.slice(at, at + 2)}…", but promptgate runs the program without a ` +
          "shell: write ${VAR} in the config file (expanded when it loads) or run it through sh -c '...'"
      )
    }
  }

  while (i < line.length) {
    const char = line[i]!
    if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) words.push(word)
      word = ''
      inWord = false
      i++
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) fail("has a quote (') that is never closed")
      word += line.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (char === '"') {
      i++
      inWord = true
      for (;;) {
        if (i >= line.length) fail('has a quote (") that is never closed')
        const inner = line[i]!
        if (inner === '"') break
        if (inner === '\\' && '"\\$`\n'.includes(line[i + 1] ?? '')) {
          if (line[i + 1] !== '\n') word += line[i + 1]
          i += 2
          continue
        }
        checkExpansion(i)
        word += inner
        i++
      }
      i++
    } else if (char === '\\') {
      if (i + 1 >= line.length) fail('ends with a backslash that escapes nothing')
      if (line[i + 1] !== '\n') word += line[i + 1]
      inWord = true
      i += 2
    } else if (OPERATORS.has(char)) {
      fail(
        `uses the shell operator "${char}", but promptgate runs the program without a shell: ` +
          "quote it, or put the pipeline in a script or run it through sh -c '...'"
      )
    } else {
      checkExpansion(i)
      word += char
      inWord = true
      i++
    }
  }
  if (inWord) words.push(word)
  return words
}
