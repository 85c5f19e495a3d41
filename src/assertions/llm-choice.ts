import { UserError } from '../errors.js'
import { didYouMean } from '../prompts/did-you-mean.js'
import { renderTemplate } from '../prompts/template.js'
import type { ChatMessage, ProviderRef } from '../prompts/types.js'
import { builtinJudge, knownBuiltins, missingBuiltinVariable, type BuiltinJudge } from './github-builtins.js'
import type { AssertionContext, AssertionHandler, AssertionOutcome, AssertionSpec } from './types.js'

export interface JudgeChoice {
  choice: string
  /** 0..1 */
  score: number
}

interface JudgeSetup {
  prompt: string
  systemPrompt?: string
  choices: JudgeChoice[]
  modelId?: string
  builtin?: BuiltinJudge
}

const ANSWER_PREVIEW_LENGTH = 120

/**
 * An LLM judge with a fixed set of answers (GitHub Models' `llm` evaluator and the `github/*`
 * built-ins). Without a threshold it passes only when the judge picks a top-scoring choice: the
 * format has no pass mark of its own, and "the best answer" is the one reading that holds for both
 * yes/no choices and rating scales. A `threshold` (applied by the registry) relaxes it.
 */
export const llmChoice: AssertionHandler = async (spec, context) => {
  const setup = readJudgeSetup(spec, context.source)
  const vars = judgeVariables(context)
  if (setup.builtin) requireBuiltinVariables(setup.builtin, vars, spec, context.source)

  const where = { file: context.source ?? 'the test case' }
  const messages: ChatMessage[] = []
  if (setup.systemPrompt)
    messages.push({ role: 'system', content: renderTemplate(setup.systemPrompt, vars, where) })
  messages.push({ role: 'user', content: renderTemplate(setup.prompt, vars, where) })

  const answer = await context.judge({ messages, provider: judgeProvider(setup.modelId) })
  return scoreAnswer(answer, setup.choices)
}

/** The case's vars, plus `{{expected}}` when the case has one and `{{completion}}`, the output judged. */
export function judgeVariables(context: AssertionContext): Record<string, unknown> {
  return {
    ...context.vars,
    ...(context.expected !== undefined ? { expected: context.expected } : {}),
    completion: context.output
  }
}

/**
 * Scores by the first listed choice found in the answer: as a whole word if any choice appears so,
 * else at the start of a word ("pass" in "passed"). Never inside a word, where "no" would match
 * "cannot" and "correct" would match "incorrect".
 */
export function scoreAnswer(answer: string, choices: JudgeChoice[]): AssertionOutcome {
  const chosen = matchChoice(answer, choices)
  if (!chosen) {
    const listed = choices.map(choice => choice.choice).join(', ')
    return {
      pass: false,
      score: 0,
      reason: `the judge's answer matched none of the choices (${listed}): "${preview(answer)}"`
    }
  }
  const best = Math.max(...choices.map(choice => choice.score))
  return {
    pass: chosen.score === best,
    score: chosen.score,
    reason: `the judge chose "${chosen.choice}" (score ${chosen.score})`
  }
}

export function matchChoice(answer: string, choices: JudgeChoice[]): JudgeChoice | undefined {
  return (
    choices.find(choice => wordPattern(choice.choice, true).test(answer)) ??
    choices.find(choice => wordPattern(choice.choice, false).test(answer))
  )
}

const NOT_A_WORD_CHARACTER_BEFORE = '(?<![\\p{L}\\p{N}_])'
const NOT_A_WORD_CHARACTER_AFTER = '(?![\\p{L}\\p{N}_])'

function wordPattern(text: string, wholeWord: boolean): RegExp {
  const escaped = text.replace(/[\^$\\.*+?()[\]{}|/]/g, '\\$&')
  const end = wholeWord ? NOT_A_WORD_CHARACTER_AFTER : ''
  return new RegExp(`${NOT_A_WORD_CHARACTER_BEFORE}${escaped}${end}`, 'iu')
}

function preview(answer: string): string {
  const flat = answer.replace(/\s+/g, ' ').trim()
  return flat.length > ANSWER_PREVIEW_LENGTH ? `${flat.slice(0, ANSWER_PREVIEW_LENGTH - 1)}…` : flat
}

/** A bare GitHub Models id (`openai/gpt-4o`) or, from a config file, a full provider id (`openai:gpt-4o`). */
export function judgeProvider(modelId: string | undefined): ProviderRef | undefined {
  if (!modelId) return undefined
  return { id: modelId.includes(':') ? modelId : `github:${modelId}` }
}

function readJudgeSetup(spec: AssertionSpec, source: string | undefined): JudgeSetup {
  const fail = (problem: string) => new UserError(`assertion ${describe(spec)}: ${problem}`, { file: source })

  let builtin: BuiltinJudge | undefined
  if (spec.builtin !== undefined) {
    builtin = typeof spec.builtin === 'string' ? builtinJudge(spec.builtin) : undefined
    if (!builtin) {
      const name = String(spec.builtin)
      const suggestion = didYouMean(name, knownBuiltins())
      const known = suggestion ? `${suggestion} Known built-ins` : '; known built-ins'
      throw fail(`unknown built-in judge "${name}"${known}: ${knownBuiltins().join(', ')}`)
    }
  }

  const prompt = spec.prompt ?? builtin?.prompt
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    throw fail('"prompt" must be the text sent to the judge, with {{completion}} where the output goes')
  }
  const systemPrompt = spec.systemPrompt ?? builtin?.systemPrompt
  if (systemPrompt !== undefined && typeof systemPrompt !== 'string')
    throw fail('"systemPrompt" must be text')
  const modelId = spec.modelId
  if (modelId !== undefined && (typeof modelId !== 'string' || modelId === '')) {
    throw fail('"modelId" must be a model id such as "openai/gpt-4o-mini"')
  }
  return {
    prompt,
    systemPrompt,
    choices: readChoices(spec.choices ?? builtin?.choices, fail),
    modelId,
    builtin
  }
}

function readChoices(raw: unknown, fail: (problem: string) => UserError): JudgeChoice[] {
  const shape =
    '"choices" must list the judge\'s possible answers, e.g. [{choice: "Yes", score: 1}, {choice: "No", score: 0}]'
  if (!Array.isArray(raw) || raw.length === 0) throw fail(shape)
  return raw.map((entry: unknown, index) => {
    const { choice, score } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >
    const text = typeof choice === 'number' || typeof choice === 'boolean' ? String(choice) : choice
    if (typeof text !== 'string' || text.trim() === '')
      throw fail(`choices[${index}] needs a non-empty "choice"; ${shape}`)
    if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
      throw fail(`choices[${index}] ("${text}") needs a "score" between 0 and 1`)
    }
    return { choice: text, score }
  })
}

function requireBuiltinVariables(
  builtin: BuiltinJudge,
  vars: Record<string, unknown>,
  spec: AssertionSpec,
  source: string | undefined
): void {
  const missing = missingBuiltinVariable(builtin, vars)
  if (!missing) return
  throw new UserError(
    `assertion ${describe(spec)} uses ${builtin.name}, which needs "${missing.variable}" (${missing.purpose}) in every ` +
      `test case; add "${missing.variable}" to the test case or use another evaluator`,
    { file: source }
  )
}

function describe(spec: AssertionSpec): string {
  return typeof spec.metric === 'string' ? `"${spec.metric}"` : spec.type
}
