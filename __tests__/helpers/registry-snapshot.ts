/**
 * Snapshots in the registry's format (schema/registry-snapshot.schema.json) for the runtime loader's
 * tests: one prompt with a stable and, optionally, a canary version.
 */
import { createHash } from 'node:crypto'
import type { RegistrySnapshot } from '../../src/registry/types.js'

export const TRIAGE = 'prompts/triage.prompt.yml'

export function digestOf(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`
}

export interface SnapshotSpec {
  stable: number
  canary?: { version: number; percent: number }
  /** Default: the highest version named. */
  latest?: number
  prompt?: string
  generatedAt?: string
}

/** Version N's system message says `vN`, so a test can tell which version rendered. */
export function registrySnapshot(spec: SnapshotSpec): RegistrySnapshot {
  const prompt = spec.prompt ?? TRIAGE
  const versionNumbers = [spec.stable, ...(spec.canary ? [spec.canary.version] : [])]
  const latest = spec.latest ?? Math.max(...versionNumbers)
  const versions = Object.fromEntries(
    [...new Set([...versionNumbers, latest])].map(version => [
      digestOf(`${prompt} v${version}`),
      {
        version,
        commit: `${version}`.repeat(40).slice(0, 40),
        registered_at: '2026-11-30T12:00:00Z',
        content: {
          messages: [
            { role: 'system' as const, content: `Triage v${version}: label the issue.` },
            { role: 'user' as const, content: 'Title: {{title}}\nBody: {{ issue.body }}' }
          ],
          model: 'github:openai/gpt-4o-mini',
          model_parameters: { temperature: 0 }
        }
      }
    ])
  )
  const pointer = (version: number) => ({ version, digest: digestOf(`${prompt} v${version}`) })
  return {
    schema_version: 1,
    generated_at: spec.generatedAt ?? '2026-11-30T12:00:00Z',
    prompts: {
      [prompt]: {
        channels: {
          latest: pointer(latest),
          stable: pointer(spec.stable),
          ...(spec.canary
            ? { canary: { ...pointer(spec.canary.version), percent: spec.canary.percent } }
            : {})
        },
        versions
      }
    }
  }
}
