import type { CaseChange, Comparison } from '../compare/types.js'
import type { ReportContext } from './types.js'
import { escapeText, inlineCode } from './escape.js'
import { plural } from './format.js'

function alert(kind: 'CAUTION' | 'NOTE' | 'TIP' | 'IMPORTANT', lines: string[]): string {
  return [`> [!${kind}]`, ...lines.map(line => `> ${line}`)].join('\n')
}

function countCases(comparison: Comparison, change: CaseChange): number {
  return comparison.prompts.reduce(
    (total, prompt) => total + prompt.cases.filter(item => item.change === change).length,
    0
  )
}

function evaluatedCount(comparison: Comparison): number {
  return comparison.prompts.filter(prompt => prompt.status !== 'removed').length
}

function regressionSummary(comparison: Comparison): string {
  const regressed = comparison.prompts.filter(prompt => prompt.regressed).length
  const cases = countCases(comparison, 'regressed')
  return `${regressed} of ${plural(evaluatedCount(comparison), 'prompt')} broke a threshold; ${plural(cases, 'case')} regressed.`
}

function errorBanner(comparison: Comparison, context: ReportContext): string {
  const base = comparison.prompts.reduce((total, prompt) => total + prompt.errors.base, 0)
  const head = comparison.prompts.reduce((total, prompt) => total + prompt.errors.head, 0)
  const lines = ['**promptgate could not finish the evaluation**, so the check fails.']
  if (context.error) lines.push(escapeText(context.error, 1_000))
  if (base + head > 0) {
    lines.push(
      `${plural(base + head, 'model call')} failed (base ${base}, head ${head}); the failed cases are below.`
    )
  }
  return alert('IMPORTANT', lines)
}

function skipReason(comparison: Comparison): string {
  if (comparison.prompts.length === 0) return 'No prompt changed in this pull request.'
  if (comparison.prompts.every(prompt => prompt.status === 'removed')) return 'Only removed prompts changed.'
  return 'No changed prompt has test cases.'
}

/** " by the `label` label, added by `login` at <time>": logins in code spans, so they never ping anyone. */
function acceptedBy(context: ReportContext): string {
  const label = context.override?.label ?? context.overrideLabel
  if (!label) return ''
  const by = context.override?.actor ? `, added by ${inlineCode(context.override.actor, { max: 100 })}` : ''
  const at = context.override?.at ? ` at ${escapeText(context.override.at, 40)}` : ''
  return ` by the ${inlineCode(label, { max: 100 })} label${by}${at}`
}

/** The verdict, first thing in the report, as a GitHub alert (plain for pass and skipped). */
export function renderBanner(comparison: Comparison, context: ReportContext): string {
  switch (context.verdict) {
    case 'regressed': {
      const lines = [`**promptgate: regression.** ${regressionSummary(comparison)}`]
      const refused = context.overrideRefused
      if (refused) {
        lines.push(
          `The ${inlineCode(refused.label, { max: 100 })} label does not count: ${escapeText(refused.reason, 600)}.`
        )
      }
      return alert('CAUTION', lines)
    }
    case 'overridden':
      return alert('NOTE', [
        `**promptgate: regression accepted**${acceptedBy(context)}. ${regressionSummary(comparison)}`
      ])
    case 'error':
      return errorBanner(comparison, context)
    case 'skipped':
      return `⏭️ **promptgate: nothing to evaluate.** ${skipReason(comparison)}`
    case 'pass': {
      const improved = countCases(comparison, 'improved')
      const regressed = countCases(comparison, 'regressed')
      const prompts = plural(evaluatedCount(comparison), 'prompt')
      // "No regressions" above a section that lists a regressed case would read as a contradiction.
      if (regressed > 0) {
        const cases =
          improved > 0
            ? `${plural(improved, 'case')} improved, ${regressed.toLocaleString('en-US')} regressed`
            : `${plural(regressed, 'case')} regressed`
        const line = `**promptgate: pass.** No threshold broke in ${prompts}; ${cases}.`
        return improved > 0 ? alert('TIP', [line]) : `✅ ${line}`
      }
      if (improved > 0) {
        return alert('TIP', [
          `**promptgate: no regressions** in ${prompts}; ${plural(improved, 'case')} improved.`
        ])
      }
      return `✅ **promptgate: no regressions** in ${prompts}.`
    }
  }
}
