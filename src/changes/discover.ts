import type { ChangedFile } from './types.js'

const GITHUB_MODELS_PROMPT = /\.prompt\.ya?ml$/i

export function isGitHubModelsPromptFile(path: string): boolean {
  return GITHUB_MODELS_PROMPT.test(path)
}

/** The changed files that are GitHub Models prompt files, at either end of a rename. */
export function changedGitHubModelsPrompts(files: ChangedFile[]): ChangedFile[] {
  return files.filter(
    file =>
      isGitHubModelsPromptFile(file.path) ||
      (file.previousPath && isGitHubModelsPromptFile(file.previousPath))
  )
}
