import vm from 'node:vm'

/**
 * How long one pattern may run on one output. Patterns come from pull-request data, and a
 * backtracking one such as `(a+)+$` can take longer than the age of the universe on a short text;
 * a sane pattern on a model's output finishes in well under a millisecond.
 */
export const REGEX_TIME_LIMIT_MS = 250

// One context, made on first use and reused: V8 interrupts a script (a regex match included) at
// the vm timeout, the one built-in way to bound a synchronous match without a worker per call.
let sandbox: { context: vm.Context; script: vm.Script } | undefined

/** `pattern.test(text)`, or `'timeout'` when the match runs past the limit. */
export function testWithTimeLimit(
  pattern: RegExp,
  text: string,
  limitMs = REGEX_TIME_LIMIT_MS
): boolean | 'timeout' {
  sandbox ??= { context: vm.createContext({ match: () => false }), script: new vm.Script('match()') }
  const { context, script } = sandbox
  context.match = () => pattern.test(text)
  try {
    return script.runInContext(context, { timeout: limitMs }) as boolean
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout'
    throw error
  } finally {
    context.match = () => false
  }
}
