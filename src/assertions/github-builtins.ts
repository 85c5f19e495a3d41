import type { JudgeChoice } from './llm-choice.js'

/** A built-in LLM judge that a `*.prompt.yml` evaluator names with `uses: github/<name>`. */
export interface BuiltinJudge {
  name: string
  /** testData vars the prompt reads besides `{{completion}}` (those `gh models eval` gives it), and what each is for. */
  needs: { variable: string; purpose: string }[]
  systemPrompt: string
  prompt: string
  /** 1 to 5 stars as 0, 0.25, 0.5, 0.75, 1; a row passes above 0, as in `gh models eval`. */
  choices: JudgeChoice[]
}

// The judge answers with one digit, so matching the first listed choice is unambiguous.
const ONE_TO_FIVE: JudgeChoice[] = [
  { choice: '1', score: 0 },
  { choice: '2', score: 0.25 },
  { choice: '3', score: 0.5 },
  { choice: '4', score: 0.75 },
  { choice: '5', score: 1 }
]

const REPLY_WITH_DIGIT = 'Reply with the single digit of your rating (1, 2, 3, 4 or 5) and nothing else.'

function systemPrompt(role: string): string {
  return `You are ${role}. You rate on a scale from 1 to 5 and reply with one digit and nothing else.`
}

function judge(name: string, needs: BuiltinJudge['needs'], role: string, prompt: string[]): BuiltinJudge {
  return {
    name,
    needs,
    systemPrompt: systemPrompt(role),
    prompt: [...prompt, '', REPLY_WITH_DIGIT].join('\n'),
    choices: ONE_TO_FIVE
  }
}

const EXPECTED_AS_REFERENCE = { variable: 'expected', purpose: 'the reference answer to compare with' }
const INPUT_AS_QUESTION = { variable: 'input', purpose: 'the question or request the output answers' }
const EXPECTED_AS_SOURCE = { variable: 'expected', purpose: 'the source text the output must stay within' }

const judges: BuiltinJudge[] = [
  judge(
    'github/similarity',
    [INPUT_AS_QUESTION, EXPECTED_AS_REFERENCE],
    'a careful grader who compares an answer with a reference',
    [
      'How close in meaning is the RESPONSE to the REFERENCE answer? Judge meaning, not wording: a faithful',
      'paraphrase earns full marks, and extra detail is fine unless it contradicts the reference.',
      '',
      '5: the same meaning; every point of the reference is there and nothing contradicts it',
      '4: nearly the same; the main point agrees, a minor detail is missing or loosely put',
      '3: partly the same; some key points agree, others are missing or differ',
      '2: mostly different; same topic, but the main point is missing or contradicted',
      '1: unrelated, opposite, or empty',
      '',
      '<question>',
      '{{input}}',
      '</question>',
      '',
      '<reference>',
      '{{expected}}',
      '</reference>',
      '',
      '<response>',
      '{{completion}}',
      '</response>'
    ]
  ),
  judge(
    'github/coherence',
    [INPUT_AS_QUESTION],
    'a careful editor who judges how well a text hangs together',
    [
      'How coherent is the RESPONSE? Look at whether its ideas come in a sensible order, whether each part',
      'follows from what came before, and whether it keeps to one line of thought. Ignore whether it is',
      'factually right and ignore small grammar slips.',
      '',
      '5: a clear, logical whole; every part connects to the next',
      '4: well organised, with a weak transition or a slightly out-of-place sentence',
      '3: the main thread is visible but the order or the links between parts often falter',
      '2: mostly disconnected statements; hard to follow',
      '1: no discernible structure, self-contradictory, or empty',
      '',
      '<question>',
      '{{input}}',
      '</question>',
      '',
      '<response>',
      '{{completion}}',
      '</response>'
    ]
  ),
  judge('github/fluency', [], 'a careful copy editor who judges language quality', [
    'How fluent is the RESPONSE as written language? Look at grammar, spelling, word choice and how',
    'naturally the sentences read. Ignore whether the content is correct or relevant.',
    '',
    '5: reads naturally and precisely; no errors worth noting',
    '4: reads well, with a few minor slips that do not slow the reader',
    '3: understandable, but awkward phrasing or errors are noticeable',
    '2: frequent errors or clumsy wording make it hard to read',
    '1: barely readable, or empty',
    '',
    '<response>',
    '{{completion}}',
    '</response>'
  ]),
  judge(
    'github/relevance',
    [INPUT_AS_QUESTION],
    'a careful grader who judges whether an answer addresses the question',
    [
      'How relevant is the RESPONSE to the QUESTION? A relevant response answers what was asked, stays on',
      'topic and does not pad the answer with unrelated material. Do not judge style.',
      '',
      '5: answers exactly what was asked, completely, with nothing off topic',
      '4: answers the question, with a small gap or a little unrelated material',
      '3: partly answers it, or buries the answer in unrelated material',
      '2: touches the topic but does not answer the question',
      '1: off topic, a refusal without reason, or empty',
      '',
      '<question>',
      '{{input}}',
      '</question>',
      '',
      '<response>',
      '{{completion}}',
      '</response>'
    ]
  ),
  judge(
    'github/groundedness',
    [INPUT_AS_QUESTION, EXPECTED_AS_SOURCE],
    'a careful fact checker who judges whether an answer is supported by a source',
    [
      'How well is the RESPONSE to the QUESTION supported by the SOURCE? Every claim should be stated in',
      'the source or follow directly from it. Claims the source does not support, or that contradict it,',
      'lower the rating, even when they are true elsewhere.',
      '',
      '5: answers the question, and every claim is supported by the source',
      '4: answers the question from the source, but one minor detail is unsupported or imprecise',
      '3: answers the question, but contains a claim that is unsupported or contradicts the source',
      '2: mostly unsupported claims, or does not answer the question from the source',
      '1: unrelated to the source, or empty',
      '',
      '<source>',
      '{{expected}}',
      '</source>',
      '',
      '<question>',
      '{{input}}',
      '</question>',
      '',
      '<response>',
      '{{completion}}',
      '</response>'
    ]
  )
]

const judgesByName = new Map(judges.map(entry => [entry.name, entry]))

export function builtinJudge(name: string): BuiltinJudge | undefined {
  return judgesByName.get(name)
}

export function knownBuiltins(): string[] {
  return judges.map(entry => entry.name)
}

/** The first var the judge needs that `vars` does not have (null counts as missing). */
export function missingBuiltinVariable(
  judge: BuiltinJudge,
  vars: Record<string, unknown>
): BuiltinJudge['needs'][number] | undefined {
  return judge.needs.find(need => vars[need.variable] === undefined || vars[need.variable] === null)
}
