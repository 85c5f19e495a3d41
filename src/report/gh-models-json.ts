import { isGitHubModelsPromptFile } from '../changes/discover.js'
import type { Comparison } from '../compare/types.js'
import type { CaseResult } from '../eval/types.js'

/** One evaluator's result on one row, as `gh models eval --json` prints it. */
export interface GhModelsEvaluationResult {
  evaluatorName: string
  score: number
  passed: boolean
  details?: string
}

export interface GhModelsTestResult {
  testCase: Record<string, unknown>
  modelResponse: string
  evaluationResults: GhModelsEvaluationResult[]
}

/** One prompt file's head results in the shape of `gh models eval --json`, so the two can be diffed. */
export interface GhModelsEvaluation {
  /** The file's `name` (empty when it has none, as gh models eval prints it), when known. */
  name?: string
  /** promptgate's addition: the file, so several files can be told apart. */
  file: string
  /** The file's `model`, when known. */
  model?: string
  testResults: GhModelsTestResult[]
  summary: { totalTests: number; passedTests: number; failedTests: number; passRate: number }
}

/** What the comparison does not carry about a prompt file: its name and model. */
export type PromptNames = (index: number) => { name?: string; model?: string } | undefined

/**
 * The head side of every evaluated `*.prompt.yml` file, one entry per file, from each row's
 * representative run (gh models eval runs each row once). A row whose call failed has an empty
 * response and fails.
 */
export function buildGhModelsJson(
  comparison: Comparison,
  names: PromptNames = () => undefined
): GhModelsEvaluation[] {
  return comparison.prompts.flatMap((prompt, index) => {
    if (prompt.status === 'removed' || !isGitHubModelsPromptFile(prompt.path) || prompt.cases.length === 0)
      return []
    const testResults = prompt.cases.flatMap(({ case: testCase, head }) =>
      head ? [testResult(testCase.vars, head)] : []
    )
    const passedTests = testResults.filter(row => row.evaluationResults.every(result => result.passed)).length
    const totalTests = testResults.length
    const known = names(index)
    const model = known?.model?.replace(/^github:/, '')
    return [
      {
        ...(known ? { name: known.name ?? '' } : {}),
        file: prompt.path,
        ...(model !== undefined ? { model } : {}),
        testResults,
        summary: {
          totalTests,
          passedTests,
          failedTests: totalTests - passedTests,
          passRate: totalTests > 0 ? (passedTests / totalTests) * 100 : 100
        }
      }
    ]
  })
}

function testResult(vars: Record<string, unknown>, result: CaseResult): GhModelsTestResult {
  const evaluationResults: GhModelsEvaluationResult[] = result.assertions.map(assertion => ({
    evaluatorName: assertion.metric,
    score: assertion.score,
    passed: assertion.pass,
    ...(assertion.reason ? { details: assertion.reason } : {})
  }))
  if (result.call.error !== undefined) {
    evaluationResults.push({
      evaluatorName: 'call',
      score: 0,
      passed: false,
      details: `the model call failed: ${result.call.error}`
    })
  }
  return { testCase: vars, modelResponse: result.call.output.trim(), evaluationResults }
}
