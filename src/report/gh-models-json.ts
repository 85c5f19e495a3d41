import type { EvalResults } from '../eval/types.js'

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
  name: string
  /** promptgate's addition: the file, so several files can be told apart. */
  file: string
  model: string
  testResults: GhModelsTestResult[]
  summary: { totalTests: number; passedTests: number; failedTests: number; passRate: number }
}

/**
 * The head side of every evaluated prompt, one entry per file. Only the first sample of a row counts,
 * as gh models eval runs each row once; a row whose call failed has an empty response and fails.
 */
export function buildGhModelsJson(results: EvalResults): GhModelsEvaluation[] {
  return results.prompts.flatMap(({ prompt, head }) => {
    if (!prompt.head || !head) return []
    const byCase = new Map(head.filter(result => (result.repeat ?? 0) === 0).map(r => [r.caseId, r]))
    const testResults: GhModelsTestResult[] = []
    let passedTests = 0
    for (const testCase of prompt.cases) {
      const result = byCase.get(testCase.id)
      if (!result) continue
      const evaluationResults = result.assertions.map(assertion => ({
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
      if (evaluationResults.every(evaluation => evaluation.passed)) passedTests++
      testResults.push({
        testCase: testCase.vars,
        modelResponse: result.call.output.trim(),
        evaluationResults
      })
    }
    const totalTests = testResults.length
    return [
      {
        name: prompt.head.name ?? '',
        file: prompt.path,
        model: prompt.head.provider.id.replace(/^github:/, ''),
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
