import { describe, expect, it } from '@jest/globals'
import { parseCommandOutput } from '../../../src/providers/command-output.js'

describe('parseCommandOutput', () => {
  it('takes stdout less one trailing newline', () => {
    expect(parseCommandOutput('hello\n')).toEqual({ output: 'hello' })
    expect(parseCommandOutput('hello\r\n')).toEqual({ output: 'hello' })
    expect(parseCommandOutput('two\n\n')).toEqual({ output: 'two\n' })
    expect(parseCommandOutput('  spaced  ')).toEqual({ output: '  spaced  ' })
    expect(parseCommandOutput('')).toEqual({ output: '' })
  })

  it('reads an object with an output string, its tokens and its cost', () => {
    const stdout = JSON.stringify({ output: 'hi', tokens: { prompt: 10, completion: 2 }, cost: 0.001 })
    expect(parseCommandOutput(`${stdout}\n`)).toEqual({
      output: 'hi',
      tokens: { prompt: 10, completion: 2, total: 12 },
      cost: 0.001
    })
    expect(
      parseCommandOutput('{"output": "x", "tokens": {"prompt": 1, "completion": 1, "total": 5}}')
    ).toEqual({
      output: 'x',
      tokens: { prompt: 1, completion: 1, total: 5 }
    })
  })

  it('keeps any other JSON as the output itself', () => {
    for (const stdout of ['{"animal":"cat"}', '{"output": 42}', '["output"]', '{"output": "x"', '"text"']) {
      expect(parseCommandOutput(stdout)).toEqual({ output: stdout })
    }
  })

  it.each([
    [{ output: 'x', tokens: { prompt: 1 } }, 'printed "tokens" as {"prompt":1}'],
    [{ output: 'x', tokens: { prompt: -1, completion: 2 } }, 'printed "tokens"'],
    [{ output: 'x', tokens: { prompt: 1.5, completion: 2 } }, 'printed "tokens"'],
    [{ output: 'x', tokens: 12 }, 'printed "tokens" as 12'],
    [{ output: 'x', cost: '0.1' }, 'printed a "cost" that is not a number of 0 or more: "0.1"'],
    [{ output: 'x', cost: -1 }, 'printed a "cost"']
  ])('fails on malformed fields in %j', (object, message) => {
    expect(() => parseCommandOutput(JSON.stringify(object))).toThrow(message)
  })
})
