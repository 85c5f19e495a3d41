import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { loadConfig } from '../../../src/config/load.js'
import { loadTestCases, type LoadTestCasesOptions } from '../../../src/datasets/load.js'
import { loadSuiteTestCases } from '../../../src/datasets/suite-cases.js'
import { UserError, errorMessage } from '../../../src/errors.js'

const CONFIG = '.github/promptgate.yml'

/** Reads `evals/<name>` from the dataset fixtures; undefined when absent, as a reader at a git ref answers. */
async function readFixture(path: string): Promise<string | undefined> {
  const name = path.replace(/^evals\//, '')
  try {
    return await readFile(new URL(`../../fixtures/datasets/${name}`, import.meta.url), 'utf8')
  } catch {
    return undefined
  }
}

const inMemory =
  (files: Record<string, string>) =>
  async (path: string): Promise<string | undefined> =>
    files[path]

const options = (read: LoadTestCasesOptions['read'], extra: Partial<LoadTestCasesOptions> = {}) => ({
  file: CONFIG,
  read,
  suite: 'triage',
  ...extra
})

async function failure(spec: string | unknown[], opts: LoadTestCasesOptions): Promise<string> {
  try {
    await loadTestCases(spec, opts)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return errorMessage(error)
  }
  throw new Error('expected loadTestCases to fail')
}

const failing = (name: string, text: string) =>
  failure(`evals/${name}`, options(inMemory({ [`evals/${name}`]: text })))

describe('JSONL', () => {
  it('reads one case per line, skips blank lines and takes a mapping without vars as the vars', async () => {
    const cases = await loadTestCases('evals/triage.jsonl', options(readFixture))
    expect(cases).toEqual([
      {
        id: '1',
        description: 'bug report',
        vars: { title: 'App crashes on start', expected: 'bug' },
        expected: 'bug',
        assert: [{ type: 'equals', value: 'bug' }],
        source: { file: 'evals/triage.jsonl', line: 1 }
      },
      {
        id: '2',
        vars: { title: 'Add dark mode', expected: 'feature' },
        expected: 'feature',
        assert: [],
        source: { file: 'evals/triage.jsonl', line: 3 }
      },
      {
        id: 'docs-1',
        vars: { title: 'Typo in README' },
        assert: [],
        source: { file: 'evals/triage.jsonl', line: 4 }
      }
    ])
  })

  it('names the line and column of malformed JSON', async () => {
    expect(await failing('a.jsonl', '{"q": "a"}\n\n{"q": "b",}\n')).toBe(
      'evals/a.jsonl:3:11: invalid JSON: Expected double-quoted property name'
    )
  })

  it('locates a wrong field inside its line', async () => {
    expect(
      await failing('a.jsonl', '{"q": 1}\n{"vars": {}, "assert": [{"type": "bleu", "weight": "high"}]}\n')
    ).toBe('evals/a.jsonl:2:52: "weight" in assertion 1 of test case 2 must be a number, not "high"')
  })
})

describe('JSON', () => {
  it('reads an array of cases with the line each starts on', async () => {
    const cases = await loadTestCases('evals/triage.json', options(readFixture))
    expect(
      cases.map(testCase => [testCase.id, testCase.description, testCase.expected, testCase.source])
    ).toEqual([
      ['1', 'bug report', 'bug', { file: 'evals/triage.json', line: 2 }],
      ['2', undefined, 'feature', { file: 'evals/triage.json', line: 6 }]
    ])
  })

  it('names the line and column of a syntax error', async () => {
    expect(await failing('a.json', '[\n  {"q": 1},\n  {"q": 2\n]\n')).toBe(
      "evals/a.json:4:1: invalid JSON: Expected ',' or '}' after property value"
    )
  })

  it('needs a list at the top', async () => {
    expect(await failing('a.json', '{"tests": []}')).toBe(
      'evals/a.json:1:1: the file must hold a list of test cases, not a mapping'
    )
  })

  it('suggests the key a misspelt one was meant to be', async () => {
    expect(await failing('a.json', '[\n  {"vars": {"q": 1},\n   "descripton": "x"}\n]')).toBe(
      'evals/a.json:3:4: unknown key "descripton" in test case 1; did you mean "description"? ' +
        'Allowed: id, description, vars, assert'
    )
  })
})

describe('YAML', () => {
  it('reads a list of cases and gives assertion graders the object form', async () => {
    const cases = await loadTestCases('evals/triage.yaml', options(readFixture))
    expect(cases).toEqual([
      {
        id: '1',
        description: 'bug report',
        vars: { title: 'App crashes on start', expected: 'bug' },
        expected: 'bug',
        assert: [
          {
            type: 'llm-rubric',
            value: 'names the component',
            provider: { id: 'github:openai/gpt-4o-mini', parameters: {} }
          }
        ],
        source: { file: 'evals/triage.yaml', line: 2 }
      },
      {
        id: '2',
        vars: { title: 'Add dark mode', expected: 'feature' },
        expected: 'feature',
        assert: [],
        source: { file: 'evals/triage.yaml', line: 11 }
      }
    ])
  })

  it('names the line of a syntax error', async () => {
    expect(await failing('a.yaml', '- q: a\n- q: [b\n- q: c\n')).toMatch(
      /^evals\/a\.yaml:\d+:\d+: invalid YAML: /
    )
    expect(await failing('a.yaml', '- q: a\n  q: b\n')).toBe(
      'evals/a.yaml:2:3: invalid YAML: Map keys must be unique'
    )
  })

  it('catches assertions written beside the vars instead of under a case', async () => {
    expect(await failing('a.yml', '- q: a\n- q: b\n  assert:\n    - type: contains\n')).toBe(
      'evals/a.yml:3:3: test case 2 has "assert" but no "vars"; put its variables under "vars"'
    )
  })

  it('locates a case that is not a mapping', async () => {
    expect(await failing('a.yaml', '- q: a\n- just text\n')).toBe(
      'evals/a.yaml:2:3: test case 2 must be a mapping, not "just text"'
    )
  })
})

describe('CSV', () => {
  it("follows promptfoo's columns: __expected<N>, __description, __metric; the rest are vars", async () => {
    const cases = await loadTestCases('evals/triage.csv', options(readFixture))
    expect(cases).toEqual([
      {
        id: '1',
        description: 'bug report',
        vars: { title: 'Crash, on start', body: 'Steps:\r\n1. open the app\r\n2. it says "boom"' },
        expected: 'bug',
        assert: [
          { type: 'equals', value: 'bug', metric: 'accuracy' },
          { type: 'contains-any', value: ['crash', 'boom'], metric: 'accuracy' }
        ],
        source: { file: 'evals/triage.csv', line: 2 }
      },
      {
        id: '2',
        vars: { title: 'Add dark mode', body: 'Please' },
        expected: 'icontains: feature',
        assert: [{ type: 'icontains', value: 'feature' }],
        source: { file: 'evals/triage.csv', line: 7 }
      }
    ])
  })

  it('prefers the var expected over the __expected cell for reviewers', async () => {
    const read = inMemory({ 'evals/a.csv': 'q,expected,__expected\nhi,hello,contains: hello\n' })
    const [testCase] = await loadTestCases('evals/a.csv', options(read))
    expect(testCase?.expected).toBe('hello')
  })

  it('names the row where an unclosed quote starts', async () => {
    expect(await failing('a.csv', 'q,a\n1,2\n\n3,"open\n4,5\n')).toBe(
      'evals/a.csv:4:3: this quoted field has no closing quote (")'
    )
  })

  it('names a row with the wrong number of fields, after a multi-line one', async () => {
    expect(await failing('a.csv', 'q,a\n"x\ny",2\n3,4,5\n')).toBe(
      'evals/a.csv:4: this row has 3 fields but the header has 2'
    )
  })

  it('explains a stray quote', async () => {
    expect(await failing('a.csv', 'q,a\n1,say "hi"\n')).toBe(
      'evals/a.csv:2:7: a quote inside an unquoted field; put the whole field in double quotes and write each ' +
        'quote inside it as ""'
    )
  })

  it('rejects special columns it does not read, and repeated columns', async () => {
    expect(await failing('a.csv', 'q,__descripton\n1,2\n')).toBe(
      'evals/a.csv:1: column "__descripton" is not supported; did you mean "__description"? Special columns: ' +
        '__expected, __expected<N>, __description, __metric (__metadata:<name> columns are ignored)'
    )
    expect(await failing('a.csv', 'q, q\n1,2\n')).toBe(
      'evals/a.csv:1: column "q" appears twice in the header'
    )
  })
})

describe('inline lists and suite assertions', () => {
  it("appends the suite's assertions to every case's own, as copies", async () => {
    const suiteAssert = [{ type: 'icontains', value: '{{expected}}' }]
    const cases = await loadTestCases(
      [
        { vars: { q: 'a' }, assert: [{ type: 'is-json' }] },
        { q: 'b', expected: 'B' }
      ],
      options(inMemory({}), { suiteAssert, caseLines: [8, 11] })
    )
    expect(cases).toEqual([
      {
        id: '1',
        vars: { q: 'a' },
        assert: [{ type: 'is-json' }, { type: 'icontains', value: '{{expected}}' }],
        source: { file: CONFIG, line: 8 }
      },
      {
        id: '2',
        vars: { q: 'b', expected: 'B' },
        expected: 'B',
        assert: [{ type: 'icontains', value: '{{expected}}' }],
        source: { file: CONFIG, line: 11 }
      }
    ])
    expect(cases[0]?.assert[1]).not.toBe(suiteAssert[0])
  })

  it('reports an inline case at its line in the config', async () => {
    expect(await failure([{ q: 'a' }, { vars: 'q' }], options(inMemory({}), { caseLines: [8, 9] }))).toBe(
      '.github/promptgate.yml:9: "vars" in test case 2 must be a mapping or empty, not "q"'
    )
  })

  it('rejects an id used twice', async () => {
    expect(
      await failure(
        [
          { id: 7, vars: {} },
          { id: '7', vars: {} }
        ],
        options(inMemory({}), { caseLines: [3, 4] })
      )
    ).toBe('.github/promptgate.yml:4: test case id "7" is already used on line 3')
  })
})

describe('files that cannot be read', () => {
  it('names the missing file and its suite, at the line of the config that names it', async () => {
    expect(await failure('./evals/gone.jsonl', options(inMemory({}), { specLine: 12 }))).toBe(
      '.github/promptgate.yml:12: test file "evals/gone.jsonl" of suite "triage" was not found'
    )
  })

  it('names the formats it reads', async () => {
    expect(await failure('evals/a.txt', options(inMemory({ 'evals/a.txt': 'x' })))).toBe(
      '.github/promptgate.yml: test file "evals/a.txt" of suite "triage" must end in .jsonl, .json, .yaml, .yml or .csv'
    )
  })

  it('refuses an empty golden set, which would pass any prompt', async () => {
    expect(await failing('a.jsonl', '\n\n')).toBe(
      'evals/a.jsonl: no test cases; the golden set needs at least one'
    )
    expect(await failing('a.csv', 'q,__expected\n')).toBe(
      'evals/a.csv: no test cases; the golden set needs at least one'
    )
  })
})

describe('loadSuiteTestCases', () => {
  const config = loadConfig(
    [
      'version: 1',
      'suites:',
      '  - name: inline',
      '    prompts: [a.md]',
      '    assert: [{ type: contains, value: x }]',
      '    tests:',
      '      - q: one',
      '      - vars: { q: two }',
      '  - name: filed',
      '    prompts: [b.md]',
      '    tests: evals/missing.csv',
      '  - name: none',
      '    prompts: [c.md]'
    ].join('\n'),
    CONFIG,
    {}
  )
  const [inline, filed, none] = config.suites

  it('loads inline cases at their config lines, with the suite assertions', async () => {
    const cases = await loadSuiteTestCases(inline!, config, inMemory({}))
    expect(cases.map(testCase => [testCase.vars, testCase.assert, testCase.source])).toEqual([
      [{ q: 'one' }, [{ type: 'contains', value: 'x' }], { file: CONFIG, line: 7 }],
      [{ q: 'two' }, [{ type: 'contains', value: 'x' }], { file: CONFIG, line: 8 }]
    ])
  })

  it('points a missing file back at the suite that names it', async () => {
    await expect(loadSuiteTestCases(filed!, config, inMemory({}))).rejects.toThrow(
      'test file "evals/missing.csv" of suite "filed" was not found'
    )
    await expect(loadSuiteTestCases(filed!, config, inMemory({}))).rejects.toMatchObject({
      file: CONFIG,
      line: 11
    })
  })

  it('gives no cases to a suite without tests', async () => {
    await expect(loadSuiteTestCases(none!, config, inMemory({}))).resolves.toEqual([])
  })
})
