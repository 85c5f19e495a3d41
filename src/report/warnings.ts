import { escapeText, inlineCode } from './escape.js'

const MAX_WARNINGS = 20

/** Things the run accepted but that look like mistakes (an unknown key, a placeholder without a value). */
export function renderWarnings(
  warnings: { message: string; file?: string; line?: number }[] | undefined
): string | undefined {
  if (!warnings || warnings.length === 0) return undefined
  const items = warnings.slice(0, MAX_WARNINGS).map(warning => {
    const where = warning.file
      ? `${inlineCode(`${warning.file}${warning.line !== undefined ? `:${warning.line}` : ''}`, { max: 200 })}: `
      : ''
    return `- ${where}${escapeText(warning.message, 400)}`
  })
  if (warnings.length > MAX_WARNINGS) {
    items.push(`- and ${(warnings.length - MAX_WARNINGS).toLocaleString('en-US')} more, in the run's log`)
  }
  return `**⚠️ Warnings** (the run went ahead; fix these to be sure it checks what you mean)\n\n${items.join('\n')}`
}
