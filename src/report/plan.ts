import type { CaseChange, CaseComparison, Comparison, PromptComparison } from '../compare/types.js'

/** Lower tiers are kept longest when the report must shrink. */
export type Tier = 0 | 1 | 2 | 3
export const TIER = { error: 0, failure: 1, improved: 2, changed: 3 } as const

export interface RowPlan {
  comparison: CaseComparison
  tier: Tier
  /** Position in the order rows are kept when only some fit: by tier, then as they appear. */
  rank: number
}

export interface SectionPlan {
  prompt: PromptComparison
  /** Rows in display order: by tier, then dataset order. */
  rows: RowPlan[]
  counts: Record<CaseChange, number>
}

export interface ReportPlan {
  /** Evaluated prompts, the most alarming first. */
  prompts: PromptComparison[]
  sections: SectionPlan[]
  rowCount: number
}

/** Unchanged cases are counted, never listed. */
export function tierOf(comparison: CaseComparison): Tier | undefined {
  switch (comparison.change) {
    case 'error':
      return TIER.error
    case 'regressed':
      return TIER.failure
    case 'new':
      return comparison.head?.pass ? TIER.changed : TIER.failure
    case 'improved':
      return TIER.improved
    case 'changed':
      return TIER.changed
    case 'unchanged':
      return undefined
  }
}

function severity(prompt: PromptComparison): number {
  if (prompt.errors.base + prompt.errors.head > 0) return 0
  if (prompt.regressed) return 1
  if (prompt.cases.some(item => item.change === 'regressed')) return 2
  return 3
}

function countChanges(cases: CaseComparison[]): Record<CaseChange, number> {
  const counts: Record<CaseChange, number> = {
    error: 0,
    regressed: 0,
    improved: 0,
    changed: 0,
    new: 0,
    unchanged: 0
  }
  for (const item of cases) counts[item.change] += 1
  return counts
}

export function planReport(comparison: Comparison): ReportPlan {
  const prompts = comparison.prompts
    .filter(prompt => prompt.status !== 'removed')
    .map((prompt, index) => ({ prompt, index }))
    .sort((a, b) => severity(a.prompt) - severity(b.prompt) || a.index - b.index)
    .map(({ prompt }) => prompt)
  const sections = prompts.map(prompt => {
    const rows = prompt.cases
      .flatMap((item, index) => {
        const tier = tierOf(item)
        return tier === undefined ? [] : [{ comparison: item, tier, index }]
      })
      .sort((a, b) => a.tier - b.tier || a.index - b.index)
      .map(({ comparison: item, tier }) => ({ comparison: item, tier, rank: 0 }))
    return { prompt, rows, counts: countChanges(prompt.cases) }
  })
  const ranked = sections.flatMap(section => section.rows).sort((a, b) => a.tier - b.tier)
  ranked.forEach((row, rank) => (row.rank = rank))
  return { prompts, sections, rowCount: ranked.length }
}
