#!/usr/bin/env node
/**
 * Runs promptfoo's own assertion code on a fixed list of inputs and writes the answers to
 * __tests__/fixtures/promptfoo-agreement/reference.json, which a unit test holds our handlers to.
 *
 * promptfoo is large and not a dependency of promptgate, so install it somewhere else first:
 *
 *   mkdir -p /tmp/pf && cd /tmp/pf && npm init -y && npm install promptfoo@latest
 *   node scripts/promptfoo-reference.mjs /tmp/pf
 *
 * The argument is the promptfoo package directory or a directory whose node_modules holds it.
 * Values contain no `{{`: promptfoo renders them with Nunjucks and promptgate with its own templates.
 */
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const OUTPUT = join(REPO, '__tests__/fixtures/promptfoo-agreement/reference.json')

const SENTENCE = 'The quick brown fox jumps over the lazy dog.'

/** Each case: an assertion (type, value, threshold?) and what it is run on (output, latencyMs?, cost?). */
const CASES = [
  // levenshtein: threshold is the largest distance that passes (default 5); distance counts UTF-16 units.
  { type: 'levenshtein', value: 'hello world', output: 'hello world' },
  { type: 'levenshtein', value: 'hello world', output: 'Hello World!' },
  { type: 'levenshtein', value: 'kitten', output: 'sitting', threshold: 2 },
  { type: 'levenshtein', value: 'kitten', output: 'sitting', threshold: 3 },
  { type: 'levenshtein', value: 'The quick brown fox', output: 'A quick brown dog' },
  { type: 'levenshtein', value: 'abc', output: '' },
  { type: 'levenshtein', value: 'café', output: 'cafe', threshold: 0 },
  { type: 'levenshtein', value: 'done', output: '👍 done', threshold: 2 },
  { type: 'levenshtein', value: 'done', output: '👍 done', threshold: 3 },
  { type: 'levenshtein', value: 'Paris, France.', output: 'paris france', threshold: 4 },
  { type: 'levenshtein', value: 'exact', output: 'exact', threshold: 0 },

  // rouge-n: ROUGE-1 F1 over lowercased Treebank tokens; default threshold 0.75.
  { type: 'rouge-n', value: SENTENCE, output: SENTENCE },
  { type: 'rouge-n', value: 'The cat sat on the mat', output: 'the cat sat on a mat.' },
  { type: 'rouge-n', value: 'THE CAT SAT ON THE MAT', output: 'the cat sat on the mat' },
  { type: 'rouge-n', value: 'the cat', output: 'the the the the' },
  { type: 'rouge-n', value: 'he said hello to me', output: 'He said "hello" to me.' },
  { type: 'rouge-n', value: 'I can not go', output: "I can't go, I cannot." },
  { type: 'rouge-n', value: 'completely different words', output: 'nothing shared here' },
  { type: 'rouge-n', value: 'some reference', output: '' },
  { type: 'rouge-n', value: '1,000 items at 10:30.', output: '1,000 items at 10:30' },
  { type: 'rouge-n', value: 'the cat sat on the mat', output: 'a dog sat on the rug', threshold: 0.5 },
  { type: 'rouge-n', value: 'Naïve café (Paris)', output: 'naïve café in Paris!' },
  { type: 'rouge-n', value: "It's the U.S. team's win", output: "it's the u.s. team's big win" },

  // bleu: sentence BLEU-4, lowercased whitespace tokens, 1e-7 for a zero precision,
  // brevity penalty exp(1 - r/c); default threshold 0.5.
  { type: 'bleu', value: SENTENCE, output: SENTENCE },
  { type: 'bleu', value: 'The cat is on the mat', output: 'the cat sat on the mat' },
  { type: 'bleu', value: 'the cat is sitting on the mat today', output: 'the cat' },
  { type: 'bleu', value: 'the cat is on the mat', output: 'cat' },
  {
    type: 'bleu',
    value: ['the cat is on the mat', 'there is a cat on the mat'],
    output: 'the cat is on a mat'
  },
  { type: 'bleu', value: 'alpha beta gamma delta', output: 'one two three four' },
  { type: 'bleu', value: 'the cat is on the mat', output: 'the cat is on the mat.' },
  { type: 'bleu', value: 'THE CAT IS ON THE MAT', output: 'The Cat Is On The Mat' },
  { type: 'bleu', value: 'the cat is on the mat', output: 'the cat is on the mat and the dog is on the rug' },
  { type: 'bleu', value: 'the cat is on the mat', output: 'the cat sat on a mat', threshold: 0.3 },
  { type: 'bleu', value: 'the cat is on the mat', output: '' },
  { type: 'bleu', value: ['a b c d e', 'a b c d e f g'], output: 'a b c d e f' },
  { type: 'bleu', value: 'Hello, world! How are you?', output: 'hello world how are you' },

  // String assertions.
  { type: 'equals', value: 'Paris', output: 'Paris' },
  { type: 'equals', value: 'Paris', output: 'Paris ' },
  { type: 'equals', value: { city: 'Paris', rank: 1 }, output: '{"rank": 1, "city": "Paris"}' },
  { type: 'equals', value: { city: 'Paris' }, output: 'Paris' },
  { type: 'contains', value: 'world', output: 'Hello world' },
  { type: 'contains', value: 'World', output: 'Hello world' },
  { type: 'icontains', value: 'WORLD', output: 'Hello world' },
  { type: 'icontains', value: 'ÉTÉ', output: "l'été" },
  { type: 'contains-any', value: 'red, "green, light", blue', output: 'I like green, light' },
  { type: 'contains-any', value: 'red, "green, light", blue', output: 'I like green' },
  { type: 'contains-all', value: ['alpha', 'beta'], output: 'alpha and beta' },
  { type: 'contains-all', value: 'alpha,beta,,gamma', output: 'alpha and beta' },
  { type: 'icontains-any', value: ['YES', 'OK'], output: 'ok then' },
  { type: 'icontains-all', value: 'Alpha, BETA', output: 'alpha and beta' },
  { type: 'starts-with', value: 'Answer:', output: 'Answer: 42' },
  { type: 'starts-with', value: 'Answer:', output: ' Answer: 42' },
  { type: 'regex', value: '^\\d{3}-\\d{4}$', output: '555-1234' },
  { type: 'regex', value: '^\\d{3}-\\d{4}$', output: 'call 555-1234' },
  { type: 'is-json', output: '{"a": 1}' },
  { type: 'is-json', output: '```json\n{"a": 1}\n```' },
  { type: 'is-json', value: { type: 'object', required: ['name'] }, output: '{"name": "x"}' },
  { type: 'is-json', value: 'type: object\nrequired: [name]', output: '{"age": 3}' },
  { type: 'contains-json', output: 'Here it is:\n```json\n{"a": [1, 2], "b": {"c": null}}\n```' },
  { type: 'contains-json', output: 'No JSON here.' },
  {
    type: 'contains-json',
    output: 'first {"x": 1} then {"y": 2}',
    value: { type: 'object', required: ['y'] }
  },
  { type: 'contains-json', output: '{"a": 1, // a comment\n"b": [1, 2,],}' },
  { type: 'contains-json', output: '[1, 2, 3]' },
  { type: 'contains-json', output: 'Use {name} in the template.' },
  { type: 'contains-json', output: 'cut off: {"a": 1, "b": 2' },
  { type: 'word-count', value: 3, output: 'one  two\nthree' },
  { type: 'word-count', value: { min: 2, max: 4 }, output: 'one two three four five' },
  { type: 'word-count', value: { max: 2 }, output: '' },
  { type: 'latency', threshold: 500, output: 'x', latencyMs: 320 },
  { type: 'latency', threshold: 500, output: 'x', latencyMs: 501 },
  { type: 'cost', threshold: 0.002, output: 'x', cost: 0.0015 },
  { type: 'cost', threshold: 0.002, output: 'x', cost: 0.01 }
]

async function loadPromptfoo(location) {
  const candidates = [location, join(location, 'node_modules', 'promptfoo')]
  const packageDir = candidates.find(isPromptfoo)
  if (!packageDir) throw new Error(`no promptfoo package at ${location} or ${candidates[1]}`)
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'))
  const rootExport = manifest.exports?.['.']
  const entry = (typeof rootExport === 'string' ? rootExport : rootExport?.import) ?? manifest.main
  const module = await import(pathToFileURL(join(packageDir, entry)).href)
  const assertions = module.assertions ?? module.default?.assertions
  if (typeof assertions?.runAssertion !== 'function')
    throw new Error('promptfoo does not export assertions.runAssertion')
  return { version: manifest.version, runAssertion: assertions.runAssertion }
}

function isPromptfoo(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'promptfoo'
  } catch {
    return false
  }
}

async function runCase(runAssertion, testCase) {
  const { output, latencyMs, cost, ...assertion } = testCase
  const result = await runAssertion({
    assertion,
    test: { vars: {} },
    providerResponse: { output, ...(cost === undefined ? {} : { cost }) },
    latencyMs
  })
  return { ...testCase, pass: result.pass, score: result.score }
}

/** The repository's Prettier style, so `npm run format:check` passes on the written file. */
async function formatted(json) {
  const prettier = await import('prettier')
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {}
  return prettier.format(json, { ...options, filepath: OUTPUT })
}

async function main() {
  const location = process.argv[2]
  if (!location) {
    console.error('usage: node scripts/promptfoo-reference.mjs <promptfoo install directory>')
    process.exit(2)
  }
  process.env.PROMPTFOO_DISABLE_TELEMETRY ??= '1'
  process.env.PROMPTFOO_DISABLE_UPDATE ??= '1'
  const { version, runAssertion } = await loadPromptfoo(resolve(location))
  const cases = []
  for (const testCase of CASES) cases.push(await runCase(runAssertion, testCase))
  const reference = { promptfooVersion: version, generatedAt: new Date().toISOString(), cases }
  await mkdir(dirname(OUTPUT), { recursive: true })
  await writeFile(OUTPUT, await formatted(JSON.stringify(reference, null, 2)))
  console.log(`promptfoo ${version}: ${cases.length} cases written to ${OUTPUT}`)
}

main().then(
  // promptfoo's import leaves handles open (logger, caches); the work is done.
  () => process.exit(0),
  error => {
    console.error(error)
    process.exit(1)
  }
)
