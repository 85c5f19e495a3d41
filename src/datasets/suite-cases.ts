import type { Config, SuiteConfig } from '../config/types.js'
import { loadTestCases } from './load.js'
import type { TestCase } from './types.js'

/** The suite's golden set with its assertions merged in; `[]` when the suite names none. */
export async function loadSuiteTestCases(
  suite: SuiteConfig,
  config: Pick<Config, 'file'>,
  read: (path: string) => Promise<string | undefined>
): Promise<TestCase[]> {
  if (suite.tests === undefined) return []
  return loadTestCases(suite.tests, {
    file: config.file,
    read,
    suiteAssert: suite.assert,
    suite: suite.name,
    specLine: suite.testsLine,
    caseLines: suite.inlineTestLines
  })
}
