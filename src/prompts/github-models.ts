import { Ajv, type ValidateFunction } from 'ajv'
import { builtinJudge, knownBuiltins, missingBuiltinVariable } from '../assertions/github-builtins.js'
import { GH_STRING_OPERATORS, type GhStringOperator } from '../assertions/gh-string.js'
import type { AssertionSpec } from '../assertions/types.js'
import type { TestCase } from '../datasets/types.js'
import { UserError } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { githubModelsPromptSchema } from './github-models.schema.js'
import { explainSchemaErrors, formatPath } from './schema-errors.js'
import { renderTemplate, type TemplateSource } from './template.js'
import type { ChatMessage, ModelParameters, PromptVersion, ResponseFormat } from './types.js'
import { YamlSource, type PathSegment } from './yaml-source.js'

/** A GitHub Models prompt file (`*.prompt.yml`): one prompt version plus its golden set and evaluators. */
export interface GitHubModelsPrompt {
  version: PromptVersion
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
  model: string
  modelParameters?: ModelParameters
  responseFormat?: ResponseFormat
  jsonSchema?: Record<string, unknown> | string
  messages: ChatMessage[]
  testData?: Record<string, unknown>[]
  evaluators?: RawEvaluator[]
}

const EVALUATOR_KINDS = ['string', 'llm', 'uses'] as const

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
  const source = YamlSource.parse(text, file)
  const data = source.toJS()
  if (data === null || data === undefined) {
    throw new UserError('the file is empty; a prompt file needs at least "model" and "messages"', { file })
  }
  lowerCaseRoles(data)
  const check = validate(data)
  if (check.errors?.length) throw explainSchemaErrors(check.errors, source)

  const raw = data as RawPromptFile
  const evaluators = (raw.evaluators ?? []).map((evaluator, index) =>
    toAssertionSpec(evaluator, index, source)
  )
  requireUniqueNames(raw.evaluators ?? [], source)

  const version: PromptVersion = {
    path: file,
    ref,
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    provider: { id: `github:${raw.model}`, origin: { file, line: source.lineOf(source.nodeAt(['model'])) } },
    parameters: modelParameters(raw.modelParameters),
    ...(raw.responseFormat !== undefined ? { responseFormat: raw.responseFormat } : {}),
    ...jsonSchemaOf(raw, source),
    messages: raw.messages.map(message => ({ role: message.role, content: message.content }))
  }
  const testData = raw.testData ?? []
  return {
    version,
    testData,
    evaluators,
    testDataLines: testData.map((_row, index) => source.lineOf(source.nodeAt(['testData', index])))
  }
}

/**
 * One test case per testData row (id = the 1-based row number), with the evaluators as its
 * assertions. Checks that each row gives every var the messages and evaluators use, so a missing
 * var is reported at its row before any model is called.
 */
export function toTestCases(prompt: GitHubModelsPrompt, file: string): TestCase[] {
  return prompt.testData.map((row, index) => {
    const line = prompt.testDataLines[index]
    const where: TemplateSource = { file, what: `testData row ${index + 1}`, line }
    checkRowVariables(prompt, row, where)
    return {
      id: String(index + 1),
      vars: row,
      ...(typeof row.expected === 'string' ? { expected: row.expected } : {}),
      assert: [...prompt.evaluators],
      source: line === undefined ? { file } : { file, line }
    }
  })
}

function checkRowVariables(
  prompt: GitHubModelsPrompt,
  row: Record<string, unknown>,
  where: TemplateSource
): void {
  for (const message of prompt.version.messages) renderTemplate(message.content, row, where)
  for (const spec of prompt.evaluators) {
    if (spec.type === 'gh-string') renderTemplate(String(spec.value), row, where)
    if (spec.type !== 'llm-choice') continue
    const builtin = typeof spec.builtin === 'string' ? builtinJudge(spec.builtin) : undefined
    const missing = builtin && missingBuiltinVariable(builtin, row)
    if (builtin && missing) {
      throw new UserError(
        `evaluator "${String(spec.metric)}" uses ${builtin.name}, which needs "${missing.variable}" ` +
          `(${missing.purpose}); add "${missing.variable}" to ${where.what} or use another evaluator`,
        { file: where.file, line: where.line }
      )
    }
    const judgeVars = { ...row, completion: '' }
    renderTemplate(String(spec.prompt), judgeVars, where)
    if (typeof spec.systemPrompt === 'string') renderTemplate(spec.systemPrompt, judgeVars, where)
  }
}

function toAssertionSpec(evaluator: RawEvaluator, index: number, source: YamlSource): AssertionSpec {
  const path: PathSegment[] = ['evaluators', index]
  const label = `${formatPath(path)} ("${evaluator.name}")`
  const kinds = source.inFileOrder(
    path,
    EVALUATOR_KINDS.filter(kind => evaluator[kind] !== undefined)
  )
  if (kinds.length === 0) {
    throw source.errorAt(`${label} needs one of "string", "llm" or "uses"`, source.nodeAt(path))
  }
  if (kinds.length > 1) {
    throw source.errorAt(
      `${label} has both "${kinds[0]}" and "${kinds[1]}"; keep exactly one of "string", "llm" or "uses"`,
      source.keyAt(path, kinds[1] ?? '')
    )
  }

  const metric = evaluator.name
  if (evaluator.string) return stringSpec(evaluator.string, [...path, 'string'], metric, source)
  if (evaluator.llm) {
    const { prompt, choices, systemPrompt, modelId } = evaluator.llm
    return {
      type: 'llm-choice',
      prompt,
      choices: choices.map(({ choice, score }) => ({ choice: String(choice), score })),
      ...(systemPrompt !== undefined ? { systemPrompt } : {}),
      ...(modelId !== undefined ? { modelId } : {}),
      metric
    }
  }
  return builtinSpec(String(evaluator.uses), [...path, 'uses'], metric, source)
}

function stringSpec(
  operators: Partial<Record<GhStringOperator, Scalar>>,
  path: PathSegment[],
  metric: string,
  source: YamlSource
): AssertionSpec {
  const given = source.inFileOrder(
    path,
    GH_STRING_OPERATORS.filter(operator => operators[operator] !== undefined)
  )
  const [operator, second] = given
  if (operator === undefined) {
    throw source.errorAt(
      `"${formatPath(path)}" needs one of ${GH_STRING_OPERATORS.join(', ')}`,
      source.nodeAt(path)
    )
  }
  if (second !== undefined) {
    throw source.errorAt(
      `"${formatPath(path)}" has both "${operator}" and "${second}"; an evaluator checks one thing, so split it into two evaluators`,
      source.keyAt(path, second)
    )
  }
  return { type: 'gh-string', operator, value: String(operators[operator]), metric }
}

function builtinSpec(uses: string, path: PathSegment[], metric: string, source: YamlSource): AssertionSpec {
  const judge = builtinJudge(uses)
  if (!judge) {
    const suggestion = didYouMean(uses, knownBuiltins())
    const known = suggestion ? `${suggestion} Known built-ins` : '; known built-ins'
    throw source.errorAt(
      `"${formatPath(path)}" is "${uses}", which is not a built-in evaluator${known}: ${knownBuiltins().join(', ')}`,
      source.nodeAt(path)
    )
  }
  return {
    type: 'llm-choice',
    builtin: judge.name,
    prompt: judge.prompt,
    choices: judge.choices.map(choice => ({ ...choice })),
    systemPrompt: judge.systemPrompt,
    threshold: judge.threshold,
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
  if (raw.responseFormat === 'json_schema' && (typeof object.name !== 'string' || !isRecord(object.schema))) {
    throw source.errorAt(
      '"jsonSchema" needs "name" (text) and "schema" (a JSON Schema object) for responseFormat json_schema, ' +
        'e.g. {name: answer, schema: {type: object, properties: {...}}}',
      node
    )
  }
  return { jsonSchema: object }
}

/** `gh models eval` accepts roles in any case; so do we. */
function lowerCaseRoles(data: unknown): void {
  if (!isRecord(data) || !Array.isArray(data.messages)) return
  for (const message of data.messages) {
    if (isRecord(message) && typeof message.role === 'string') message.role = message.role.toLowerCase()
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
