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
 * built-ins). By default it reads the answer as `gh models eval` does: the first listed choice that
 * occurs anywhere in the lowercased answer scores, and the row passes when that score is above 0.
 * `match: word` is the stricter reading: a choice counts only as a word, and only a top-scoring
 * choice passes. A `threshold` (applied by the registry) replaces either pass rule.
 */
export const llmChoice: AssertionHandler = async (spec, context) => {
  const setup = readJudgeSetup(spec, context.source)
  const vars = judgeVariables(context)
  if (setup.builtin && spec.keepMissing !== true) {
    requireBuiltinVariables(setup.builtin, vars, spec, context.source)
  }

  const where = { file: context.source ?? 'the test case', keepMissing: spec.keepMissing === true }
  const messages: ChatMessage[] = []
  if (setup.systemPrompt)
    messages.push({ role: 'system', content: renderTemplate(setup.systemPrompt, vars, where) })
  messages.push({ role: 'user', content: renderTemplate(setup.prompt, vars, where) })

  const answer = await context.judge({
    messages,
    provider: judgeProvider(setup.modelId),
    fallback: judgeProvider(typeof spec.defaultModelId === 'string' ? spec.defaultModelId : undefined)
  })
  return spec.match === 'word'
    ? scoreAnswer(answer, setup.choices)
    : scoreAnswerAsGitHubModels(answer, setup.choices)
}

function noChoiceMatched(answer: string, choices: JudgeChoice[]): AssertionOutcome {
  const listed = choices.map(choice => choice.choice).join(', ')
  return {
    pass: false,
    score: 0,
    reason: `the judge's answer matched none of the choices (${listed}): "${preview(answer)}"`
  }
}

/** `gh models eval`'s reading: the first listed choice contained in the lowercased answer; passes above 0. */
export function scoreAnswerAsGitHubModels(answer: string, choices: JudgeChoice[]): AssertionOutcome {
  const lowered = answer.trim().toLowerCase()
  const chosen = choices.find(choice => lowered.includes(choice.choice.toLowerCase()))
  if (!chosen) return noChoiceMatched(answer, choices)
  return {
    pass: chosen.score > 0,
    score: chosen.score,
    reason: `the judge chose "${chosen.choice}" (score ${chosen.score})`
  }
}

/**
 * The case's vars, plus `{{expected}}` when the case has one and `{{completion}}`, the output judged,
 * trimmed as `gh models eval` gives it.
 */
export function judgeVariables(context: AssertionContext): Record<string, unknown> {
  return {
    ...context.vars,
    ...(context.expected !== undefined ? { expected: context.expected } : {}),
    completion: context.output.trim()
  }
}

/**
 * Scores by the first listed choice found in the answer: as a whole word if any choice appears so,
 * else at the start of a word ("pass" in "passed"). Never inside a word, where "no" would match
 * "cannot" and "correct" would match "incorrect".
 */
export function scoreAnswer(answer: string, choices: JudgeChoice[]): AssertionOutcome {
  const chosen = matchChoice(answer, choices)
  if (!chosen) return noChoiceMatched(answer, choices)
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
  if (spec.match !== undefined && spec.match !== 'word' && spec.match !== 'contains') {
    throw fail(
      '"match" must be "contains" (the default, as gh models eval) or "word" (a whole word; only the top score passes)'
    )
  }
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
