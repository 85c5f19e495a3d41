/** Holds the loader's GitHub request, and the fake that answers it in tests, to GitHub's REST description. */
import { describe, expect, it } from '@jest/globals'
import { GitHubDescription } from '../github/openapi.js'
import { CONTENTS_ROUTE } from '../../helpers/fake-registry-contents.js'

const github = new GitHubDescription()
const operation = github.operation('GET', '/repos/{owner}/{repo}/contents/{path}')

describe('the contents route promptgate/runtime reads', () => {
  it('is a GET GitHub documents, with a ref query parameter', () => {
    expect(operation).toBeDefined()
    const parameters = github.parameters(operation!)
    expect(parameters.find(parameter => parameter.name === 'ref')).toMatchObject({ in: 'query' })
    expect(parameters.filter(parameter => parameter.in === 'path').map(parameter => parameter.name)).toEqual([
      'owner',
      'repo',
      'path'
    ])
  })

  it('answers the raw media type the loader asks for, and documents the 304 and 404 the fake sends', () => {
    expect(JSON.stringify(operation)).toContain('application/vnd.github.raw+json')
    expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['200', '304', '404']))
  })

  it('has the path the fake answers (also under /api/v3, as GitHub Enterprise Server serves it)', () => {
    expect(CONTENTS_ROUTE.exec('/repos/acme/support/contents/snapshot.json')?.slice(1)).toEqual([
      'acme',
      'support',
      'snapshot.json'
    ])
    expect(CONTENTS_ROUTE.test('/api/v3/repos/acme/support/contents/snapshot.json')).toBe(true)
    expect(CONTENTS_ROUTE.test('/repos/acme/support/git/blobs/abc')).toBe(false)
  })
})
