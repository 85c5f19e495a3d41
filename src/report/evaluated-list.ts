import type { PromptComparison } from '../compare/types.js'
import { escapeText, inlineCode } from './escape.js'
import { describeBase } from './section.js'
import type { RegisteredBase } from './types.js'

const MAX_LISTED = 100

function andMore(total: number, shown: number): string {
  return total > shown ? ` and ${(total - shown).toLocaleString('en-US')} more` : ''
}

/**
 * Why each prompt ran (its file changed, its dataset changed, ...), so reviewers trust the selection;
 * with the registered version its base is (`base: v3, stable`), so they see what they are changing.
 */
export function renderWhyEvaluated(
  prompts: PromptComparison[],
  bases: Record<string, RegisteredBase> = {}
): string | undefined {
  const evaluated = prompts.filter(prompt => prompt.status !== 'removed')
  if (evaluated.length === 0) return undefined
  const items = evaluated.slice(0, MAX_LISTED).map(prompt => {
    const suite =
      prompt.suite && prompt.suite !== prompt.path ? `, suite ${inlineCode(prompt.suite, { max: 80 })}` : ''
    const base = bases[prompt.path]
    const registered = base ? `, ${describeBase(base)}` : ''
    return `- ${inlineCode(prompt.path, { max: 160 })} (${prompt.status}${suite}${registered}): ${escapeText(prompt.reason, 300)}`
  })
  const more = andMore(evaluated.length, items.length)
  if (more) items.push(`-${more}`)
  return `**Why these prompts were evaluated**\n\n${items.join('\n')}`
}

export function renderRemoved(prompts: PromptComparison[]): string | undefined {
  const removed = prompts.filter(prompt => prompt.status === 'removed')
  if (removed.length === 0) return undefined
  const names = removed.slice(0, MAX_LISTED).map(prompt => inlineCode(prompt.path, { max: 160 }))
  return `**Removed prompts** (not evaluated): ${names.join(', ')}${andMore(removed.length, names.length)}.`
}
