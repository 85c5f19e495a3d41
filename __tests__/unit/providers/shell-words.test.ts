import { describe, expect, it } from '@jest/globals'
import { UserError } from '../../../src/errors.js'
import { splitShellWords } from '../../../src/providers/shell-words.js'

function thrownBy(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('splitShellWords', () => {
  it.each([
    ['python3 run.py', ['python3', 'run.py']],
    ['  node\t  scripts/model.mjs   --fast ', ['node', 'scripts/model.mjs', '--fast']],
    ["'/opt/my tools/model' --name 'a b'", ['/opt/my tools/model', '--name', 'a b']],
    ['"/opt/my tools/model" "say \\"hi\\""', ['/opt/my tools/model', 'say "hi"']],
    ['say\\ hi', ['say hi']],
    ['it\'\'s "" x', ['its', '', 'x']],
    ['a"b"\'c\'d', ['abcd']],
    ["sh -c 'cat | tr a-z A-Z; echo $HOME'", ['sh', '-c', 'cat | tr a-z A-Z; echo $HOME']],
    ['"a\\$b \\\\ \\n"', ['a$b \\ \\n']],
    ['price $5', ['price', '$5']],
    ['', []]
  ])('splits %j', (line, words) => {
    expect(splitShellWords(line)).toEqual(words)
  })

  it.each([
    ["run 'unclosed", "quote (') that is never closed"],
    ['run "unclosed', 'quote (") that is never closed'],
    ['run trailing\\', 'ends with a backslash'],
    ['python run.py | tee log', 'shell operator "|"'],
    ['python run.py > out.txt', 'shell operator ">"'],
    ['setup && run', 'shell operator "&"'],
    ['run $MODEL', 'shell expansion "$M…"'],
    ['run "${MODEL}"', 'shell expansion "${…"'],
    ['run $(cat model)', 'shell expansion "$(…"']
  ])('rejects %j', (line, problem) => {
    const error = thrownBy(() => splitShellWords(line))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toContain(`command "${line}"`)
    expect(error.message).toContain(problem)
  })
})
