import { afterEach, describe, expect, it } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeReportFile } from '../../../src/report/write-report-file.js'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'promptgate-write-'))
  dirs.push(dir)
  return dir
}

describe('writeReportFile', () => {
  it('writes the report, creating its directory, and leaves no temporary file behind', async () => {
    const workspace = scratch()
    const path = await writeReportFile(workspace, 'out/report.json', '{"a":1}', 'the report-path input')
    expect(path).toBe(join(workspace, 'out', 'report.json'))
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}')
    expect(readdirSync(join(workspace, 'out'))).toEqual(['report.json'])
  })

  it('replaces an existing regular file', async () => {
    const workspace = scratch()
    writeFileSync(join(workspace, 'report.json'), 'old')
    await writeReportFile(workspace, 'report.json', 'new', '--report')
    expect(readFileSync(join(workspace, 'report.json'), 'utf8')).toBe('new')
  })

  it('refuses a report path that is a link, and leaves its target alone', async () => {
    const workspace = scratch()
    const victim = join(scratch(), '.bashrc')
    writeFileSync(victim, 'safe')
    symlinkSync(victim, join(workspace, 'report.json'))
    await expect(writeReportFile(workspace, 'report.json', 'evil', '--report')).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(
        /^--report "report.json" goes through the symbolic link .*report\.json -> .*\.bashrc/
      )
    })
    expect(readFileSync(victim, 'utf8')).toBe('safe')
  })

  it('refuses a directory link on the way inside the workspace', async () => {
    const workspace = scratch()
    const elsewhere = scratch()
    symlinkSync(elsewhere, join(workspace, 'reports'))
    await expect(
      writeReportFile(workspace, 'reports/report.json', 'evil', 'the report-path input')
    ).rejects.toMatchObject({ message: expect.stringMatching(/goes through the symbolic link .*reports ->/) })
    expect(readdirSync(elsewhere)).toEqual([])
  })

  it('refuses a dangling link too, which a plain write would create a file through', async () => {
    const workspace = scratch()
    const target = join(scratch(), 'created-through-link')
    symlinkSync(target, join(workspace, 'report.json'))
    await expect(writeReportFile(workspace, 'report.json', 'x', '--report')).rejects.toThrow(/symbolic link/)
    expect(() => readFileSync(target)).toThrow()
  })

  it('writes an absolute path outside the workspace, still refusing a link there', async () => {
    const workspace = scratch()
    const outside = scratch()
    mkdirSync(join(outside, 'd'))
    await writeReportFile(workspace, join(outside, 'd', 'r.json'), 'ok', '--report')
    expect(readFileSync(join(outside, 'd', 'r.json'), 'utf8')).toBe('ok')
    symlinkSync(join(outside, 'd', 'r.json'), join(outside, 'link.json'))
    await expect(writeReportFile(workspace, join(outside, 'link.json'), 'x', '--report')).rejects.toThrow(
      /symbolic link/
    )
  })
})
