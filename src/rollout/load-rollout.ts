import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { readConfig } from '../config/load.js'
import type { RolloutConfig } from './types.js'

/**
 * The `rollout:` key of a local repository's config, checked and normalised by the config loader (errors
 * with file and line); undefined when there is no config file or no `rollout:` in it.
 */
export async function loadRolloutConfig(
  repo: string,
  configPath: string,
  env: Record<string, string | undefined> = process.env
): Promise<RolloutConfig | undefined> {
  const inRepo = (file: string): string => (isAbsolute(file) ? file : join(repo, file))
  // Read relative to the repository, named as the user wrote it, so errors say `.github/promptgate.yml:12`.
  const config = await readConfig(
    file => readFile(inRepo(file), 'utf8').catch(() => undefined),
    configPath,
    env
  )
  return config?.rollout
}
