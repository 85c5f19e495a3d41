import { Ajv, type ValidateFunction } from 'ajv'
import { builtinJudge, knownBuiltins } from '../assertions/github-builtins.js'
import { GH_STRING_OPERATORS, type GhStringOperator } from '../assertions/gh-string.js'
import type { AssertionSpec } from '../assertions/types.js'
import type { TestCase } from '../datasets/types.js'
import { UserError } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { githubModelsPromptSchema } from './github-models.schema.js'
import { explainSchemaErrors, formatPath } from './schema-errors.js'
import type { PipelineWarning } from '../suites/types.js'
import { missingVariables } from './template.js'
import type { ChatMessage, ModelParameters, PromptVersion, ResponseFormat } from './types.js'
import { YamlSource, type PathSegment } from './yaml-source.js'

/** A GitHub Models prompt file (`*.prompt.yml`): one prompt version plus its golden set and evaluators. */
export interface GitHubModelsPrompt {
  /** Absent when the file has no model and no test data: nothing to evaluate (`nothing` says so). */
  version?: PromptVersion
  nothing?: string
  /** What the file does that `gh models eval` accepts but is probably a mistake. */
  warnings: PipelineWarning[]
  testData: Record<string, unknown>[]
  evaluators: AssertionSpec[]
  /** The line of each testData row, for error messages. */
  testDataLines: (number | undefined)[]
}

type Scalar = string | number | boolean

interface RawEvaluator {
  name: string
  string?: Partial<Record<GhStringOperator, Scalar>>
  llm?: {
    modelId?: string
    prompt: string
    systemPrompt?: string
    choices: { choice: Scalar; score: number }[]
  }
  uses?: string
}

/** The file's shape once it has passed the schema. */
interface RawPromptFile {
  name?: string
  description?: string
  model?: string
  modelParameters?: ModelParameters
  responseFormat?: ResponseFormat
  jsonSchema?: Record<string, unknown> | string
  messages: ChatMessage[]
  testData?: Record<string, unknown>[]
  evaluators?: RawEvaluator[]
}

// In the order `gh models eval` picks the one kind that counts when an evaluator names several.
const EVALUATOR_KINDS = ['string', 'llm', 'uses'] as const
/** The model that `gh models eval` judges built-ins with; a config's `grader` replaces it. */
export const BUILTIN_JUDGE_MODEL = 'openai/gpt-4o'
// The order in which `gh models eval` picks the one operator of a `string` evaluator that counts.
const STRING_OPERATOR_PRECEDENCE = ['equals', 'contains', 'startsWith', 'endsWith'] as const

/** The keys `gh models eval` reads; a nested object lists the keys of a map, a one-item array those of its items. */
type KeyTree = { [key: string]: KeyTree | [KeyTree] | null }
const KNOWN_KEYS: KeyTree = {
  name: null,
  description: null,
  model: null,
  modelParameters: { maxTokens: null, temperature: null, topP: null },
  responseFormat: null,
  jsonSchema: null,
  messages: [{ role: null, content: null }],
  testData: null,
  evaluators: [
    {
      name: null,
      string: { equals: null, contains: null, startsWith: null, endsWith: null },
      llm: { modelId: null, prompt: null, systemPrompt: null, choices: [{ choice: null, score: null }] },
      uses: null
    }
  ]
}

let validator: ValidateFunction | undefined

function validate(data: unknown): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strictTypes: false }).compile(
    githubModelsPromptSchema
  )
  validator(data)
  return validator
}

/**
 * Parses and validates a `*.prompt.yml` file read at `ref`. Every problem is a UserError at the
 * line and column of the offending key or value.
 */
export function parseGitHubModelsPrompt(text: string, file: string, ref: string): GitHubModelsPrompt {
  const source = YamlSource.parse(text, file, { duplicateKeys: 'allow' })
  const data = source.toJS()
  if (data === null || data === undefined) {
    throw new UserError('the file is empty; a prompt file needs at least "model" and "messages"', { file })
  }
  const warnings: PipelineWarning[] = source.duplicateKeys().map(({ key, line }) => ({
    message: `the key "${key}" appears twice in the same map; the later value is used, so keep one`,
    file,
    line
  }))
  dropUnknownKeys(data, KNOWN_KEYS, [], source, warnings)
  normalizeMessages(data)
  const check = validate(data)
  if (check.errors?.length) throw explainSchemaErrors(check.errors, source)

  const raw = data as RawPromptFile
  const evaluators = (raw.evaluators ?? []).map((evaluator, index) =>
    toAssertionSpec(evaluator, index, source, warnings)
  )
  requireUniqueNames(raw.evaluators ?? [], source)
  const testData = raw.testData ?? []
  const testDataLines = testData.map((_row, index) => source.lineOf(source.nodeAt(['testData', index])))

  if (raw.model === undefined) {
    if (testData.length === 0) {
      return { nothing: 'no "model" and no "testData"', warnings, testData, evaluators, testDataLines }
    }
    throw source.errorAt(
      'the file has "testData" but no "model", so nothing can answer it; add "model", e.g. model: openai/gpt-4o-mini ' +
        '(or list the file in a suite of .github/promptgate.yml whose "provider" answers it)',
      source.nodeAt(['testData'])
    )
  }

  const version: PromptVersion = {
    path: file,
    ref,
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    provider: { id: `github:${raw.model}`, origin: { file, line: source.lineOf(source.nodeAt(['model'])) } },
    keepMissingPlaceholders: true,
    parameters: modelParameters(raw.modelParameters),
    ...(raw.responseFormat !== undefined ? { responseFormat: raw.responseFormat } : {}),
    ...jsonSchemaOf(raw, source),
    messages: raw.messages.map(message => ({ role: message.role, content: message.content }))
  }
  return { version, warnings, testData, evaluators, testDataLines }
}

/**
 * One test case per testData row (id = the 1-based row number), with the evaluators as its
 * assertions. A var a row does not give stays as written in the text (as `gh models eval` sends it)
 * and is reported at its row, so a typo is visible without failing a file gh models eval runs.
 */
export function toTestCases(
  prompt: GitHubModelsPrompt,
  file: string,
  warn: (warning: PipelineWarning) => void = () => {}
): TestCase[] {
  return prompt.testData.map((row, index) => {
    const line = prompt.testDataLines[index]
    for (const name of rowMissingVariables(prompt, row)) {
      warn({
        message:
          `testData row ${index + 1} gives no value for {{${name}}}, so it is sent as written, as gh models eval does; ` +
          `add "${name}" to that row or fix the placeholder`,
        file,
        line
      })
    }
    return {
      id: String(index + 1),
      vars: row,
      ...(typeof row.expected === 'string' ? { expected: row.expected } : {}),
      assert: [...prompt.evaluators],
      source: line === undefined ? { file } : { file, line }
    }
  })
}

/** Placeholders of the messages and evaluators that `row` gives no value, each once. */
function rowMissingVariables(prompt: GitHubModelsPrompt, row: Record<string, unknown>): string[] {
  const templates = (prompt.version?.messages ?? []).map(message => message.content)
  for (const spec of prompt.evaluators) {
    if (spec.type === 'gh-string') templates.push(String(spec.value))
    if (spec.type !== 'llm-choice' || typeof spec.prompt !== 'string') continue
    templates.push(spec.prompt)
    if (typeof spec.systemPrompt === 'string') templates.push(spec.systemPrompt)
  }
  const vars = { ...row, completion: '' }
  return [...new Set(templates.flatMap(template => missingVariables(template, vars)))]
}

function toAssertionSpec(
  evaluator: RawEvaluator,
  index: number,
  source: YamlSource,
  warnings: PipelineWarning[]
): AssertionSpec {
  const path: PathSegment[] = ['evaluators', index]
  const label = `${formatPath(path)} ("${evaluator.name}")`
  const kinds = EVALUATOR_KINDS.filter(kind => evaluator[kind] !== undefined)
  const [kind, ...ignored] = kinds
  if (kind === undefined) {
    throw source.errorAt(`${label} needs one of "string", "llm" or "uses"`, source.nodeAt(path))
  }
  for (const other of ignored) {
    warnings.push({
      message: `${label} has both "${kind}" and "${other}"; only "${kind}" counts (as in gh models eval), so remove "${other}" or split it into its own evaluator`,
      file: source.file,
      line: source.lineOf(source.keyAt(path, other))
    })
  }

  const metric = evaluator.name
  if (kind === 'string' && evaluator.string) {
    return stringSpec(evaluator.string, [...path, 'string'], metric, source, warnings)
  }
  if (kind === 'llm' && evaluator.llm) {
    const { prompt, choices, systemPrompt, modelId } = evaluator.llm
    return {
      type: 'llm-choice',
      prompt,
      choices: choices.map(({ choice, score }) => ({ choice: String(choice), score })),
      ...(systemPrompt !== undefined ? { systemPrompt } : {}),
      ...(modelId !== undefined ? { modelId } : {}),
      keepMissing: true,
      metric
    }
  }
  return builtinSpec(String(evaluator.uses), [...path, 'uses'], metric, source, warnings)
}

function stringSpec(
  operators: Partial<Record<GhStringOperator, Scalar>>,
  path: PathSegment[],
  metric: string,
  source: YamlSource,
  warnings: PipelineWarning[]
): AssertionSpec {
  // As gh models eval: an empty value does not count, and the first of equals, contains, startsWith, endsWith wins.
  const given = STRING_OPERATOR_PRECEDENCE.filter(
    operator => operators[operator] !== undefined && String(operators[operator]) !== ''
  )
  const [operator, ...ignored] = given
  if (operator === undefined) {
    throw source.errorAt(
      `"${formatPath(path)}" needs one of ${GH_STRING_OPERATORS.join(', ')} with a non-empty value`,
      source.nodeAt(path)
    )
  }
  for (const other of ignored) {
    warnings.push({
      message: `"${formatPath(path)}" has both "${operator}" and "${other}"; only "${operator}" counts (as in gh models eval), so split it into two evaluators`,
      file: source.file,
      line: source.lineOf(source.keyAt(path, other))
    })
  }
  return { type: 'gh-string', operator, value: String(operators[operator]), keepMissing: true, metric }
}

function builtinSpec(
  uses: string,
  path: PathSegment[],
  metric: string,
  source: YamlSource,
  warnings: PipelineWarning[]
): AssertionSpec {
  const judge = builtinJudge(uses)
  if (!judge) {
    const suggestion = didYouMean(uses, knownBuiltins())
    const known = suggestion ? `${suggestion} Known built-ins` : '; known built-ins'
    warnings.push({
      message: `"${formatPath(path)}" is "${uses}", which is not a built-in evaluator, so it scores 0 and fails every row (as in gh models eval)${known}: ${knownBuiltins().join(', ')}`,
      file: source.file,
      line: source.lineOf(source.nodeAt(path))
    })
    return { type: 'gh-unknown-evaluator', uses, metric }
  }
  return {
    type: 'llm-choice',
    builtin: judge.name,
    prompt: judge.prompt,
    choices: judge.choices.map(choice => ({ ...choice })),
    systemPrompt: judge.systemPrompt,
    defaultModelId: BUILTIN_JUDGE_MODEL,
    keepMissing: true,
    metric
  }
}

function requireUniqueNames(evaluators: RawEvaluator[], source: YamlSource): void {
  const firstIndex = new Map<string, number>()
  evaluators.forEach((evaluator, index) => {
    const earlier = firstIndex.get(evaluator.name)
    if (earlier === undefined) {
      firstIndex.set(evaluator.name, index)
      return
    }
    throw source.errorAt(
      `"evaluators[${index}].name" is "${evaluator.name}", which evaluators[${earlier}] already uses; ` +
        'each evaluator needs its own name because the name is its metric',
      source.nodeAt(['evaluators', index, 'name'])
    )
  })
}

function modelParameters(raw: ModelParameters | undefined): ModelParameters {
  const parameters: ModelParameters = {}
  if (raw?.maxTokens !== undefined) parameters.maxTokens = raw.maxTokens
  if (raw?.temperature !== undefined) parameters.temperature = raw.temperature
  if (raw?.topP !== undefined) parameters.topP = raw.topP
  return parameters
}

/** `jsonSchema` as an object (it may be written as a YAML map or a JSON string). */
function jsonSchemaOf(raw: RawPromptFile, source: YamlSource): { jsonSchema?: Record<string, unknown> } {
  if (raw.jsonSchema === undefined) {
    if (raw.responseFormat === 'json_schema') {
      throw source.errorAt(
        '"responseFormat" is json_schema, so "jsonSchema" is required: {name, schema}, as a YAML map or a JSON string',
        source.nodeAt(['responseFormat'])
      )
    }
    return {}
  }
  const node = source.nodeAt(['jsonSchema'])
  let schema: unknown = raw.jsonSchema
  if (typeof schema === 'string') {
    try {
      schema = JSON.parse(schema)
    } catch (error) {
      throw source.errorAt(
        `"jsonSchema" is not valid JSON (${(error as Error).message}); fix it or write it as a YAML map`,
        node
      )
    }
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw source.errorAt('"jsonSchema" must be a JSON object: {name, schema}', node)
  }
  const object = schema as Record<string, unknown>
  // gh models eval checks only that both keys are there.
  const missing = ['name', 'schema'].find(key => !Object.hasOwn(object, key))
  if (raw.responseFormat === 'json_schema' && missing) {
    throw source.errorAt(
      `"jsonSchema" needs "${missing}" for responseFormat json_schema: {name, schema}, ` +
        'e.g. {"name": "answer", "schema": {"type": "object", "properties": {...}}}',
      node
    )
  }
  return { jsonSchema: object }
}

/**
 * As `gh models eval` reads messages: roles in any case, and a missing, empty or null `content` is the
 * empty string, a number or boolean its text. A list or map stays, for the schema to reject at its line.
 */
function normalizeMessages(data: unknown): void {
  if (!isRecord(data) || !Array.isArray(data.messages)) return
  for (const message of data.messages) {
    if (!isRecord(message)) continue
    if (typeof message.role === 'string') message.role = message.role.toLowerCase()
    const content = message.content
    if (content === undefined || content === null) message.content = ''
    else if (typeof content === 'number' || typeof content === 'boolean') message.content = String(content)
  }
}

/** `gh models eval` ignores keys it does not read; so do we, with a warning at each (and a did-you-mean). */
function dropUnknownKeys(
  data: unknown,
  known: KeyTree,
  path: PathSegment[],
  source: YamlSource,
  warnings: PipelineWarning[]
): void {
  if (!isRecord(data)) return
  for (const key of Object.keys(data)) {
    if (!Object.hasOwn(known, key)) {
      const where = path.length > 0 ? ` in "${formatPath(path)}"` : ''
      warnings.push({
        message: `"${key}"${where} is not a key gh models eval reads, so it is ignored${didYouMean(key, Object.keys(known))}`,
        file: source.file,
        line: source.lineOf(source.keyAt(path, key))
      })
      delete data[key]
      continue
    }
    const sub = known[key]
    const value = data[key]
    if (Array.isArray(sub) && Array.isArray(value)) {
      value.forEach((item, index) => dropUnknownKeys(item, sub[0], [...path, key, index], source, warnings))
    } else if (sub && !Array.isArray(sub)) {
      dropUnknownKeys(value, sub, [...path, key], source, warnings)
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
