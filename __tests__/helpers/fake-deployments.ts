/**
 * The fake GitHub's Deployments routes: creating a deployment and giving it statuses. The
 * deployments are kept in the fake's state (`state.deployments`) for tests to read.
 */
import type { GitReply } from './fake-git-database.js'

export interface FakeDeploymentStatus {
  id: number
  state: string
  description: string
  environment: string
  environment_url: string
  log_url: string
  created_at: string
}

export interface FakeDeployment {
  id: number
  /** What the request named: a SHA, branch or tag. */
  ref: string
  /** The commit it resolved to. */
  sha: string
  task: string
  environment: string
  description: string | null
  payload: unknown
  production_environment: boolean
  transient_environment: boolean
  auto_merge: boolean
  required_contexts?: string[]
  /** Login of the token's user. */
  creator: string
  created_at: string
  statuses: FakeDeploymentStatus[]
}

interface DeploymentContext {
  params: Record<string, string>
  query: Record<string, string>
  body: unknown
}

export interface DeploymentDeps {
  deployments: () => FakeDeployment[]
  repoApi: () => string
  isThisRepo(params: Record<string, string>): boolean
  forbiddenWrite(documentation: string): GitReply | undefined
  error(status: number, message: string, documentation: string): GitReply
  /** The commit a ref names, or undefined when the repository has none. */
  resolveCommit(ref: string): Promise<string | undefined>
  /** The token's user, as `simple-user` JSON, and its login. */
  creator(): { login: string; json: unknown }
  /** The GitHub Actions app for an installation token, else null. */
  app(): unknown
  tick(): string
}

const docs = 'https://docs.github.com/rest'
const states = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']

function asRecord(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {}
}

export function createDeployments(deps: DeploymentDeps) {
  let nextDeploymentId = 1_700_000_000
  let nextStatusId = 2_600_000_000

  function deploymentJson(deployment: FakeDeployment) {
    const url = `${deps.repoApi()}/deployments/${deployment.id}`
    return {
      url,
      id: deployment.id,
      node_id: `DE_${deployment.id}`,
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      payload: deployment.payload,
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      creator: deps.creator().json,
      created_at: deployment.created_at,
      updated_at: deployment.statuses.at(-1)?.created_at ?? deployment.created_at,
      statuses_url: `${url}/statuses`,
      repository_url: deps.repoApi(),
      transient_environment: deployment.transient_environment,
      production_environment: deployment.production_environment,
      performed_via_github_app: deps.app()
    }
  }

  function statusJson(deployment: FakeDeployment, status: FakeDeploymentStatus) {
    const deploymentUrl = `${deps.repoApi()}/deployments/${deployment.id}`
    return {
      url: `${deploymentUrl}/statuses/${status.id}`,
      id: status.id,
      node_id: `DES_${status.id}`,
      state: status.state,
      creator: deps.creator().json,
      description: status.description,
      environment: status.environment,
      target_url: status.log_url,
      created_at: status.created_at,
      updated_at: status.created_at,
      deployment_url: deploymentUrl,
      repository_url: deps.repoApi(),
      environment_url: status.environment_url,
      log_url: status.log_url,
      performed_via_github_app: deps.app()
    }
  }

  const handlers: Record<string, (context: DeploymentContext) => Promise<GitReply>> = {
    // Newest first, as GitHub lists them; `environment` filters, `per_page` (at most 100) bounds the page.
    'GET /repos/{owner}/{repo}/deployments': async ({ params, query }) => {
      const documentation = `${docs}/deployments/deployments#list-deployments`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const perPage = Math.min(100, Math.max(1, Number.parseInt(query.per_page ?? '', 10) || 30))
      const listed = [...deps.deployments()]
        .reverse()
        .filter(deployment => query.environment === undefined || deployment.environment === query.environment)
        .slice(0, perPage)
      return { status: 200, json: listed.map(deploymentJson) }
    },
    'POST /repos/{owner}/{repo}/deployments': async ({ params, body }) => {
      const documentation = `${docs}/deployments/deployments#create-a-deployment`
      if (!deps.isThisRepo(params)) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (typeof request.ref !== 'string')
        return deps.error(422, 'Invalid request.\n\n"ref" wasn\'t supplied.', documentation)
      const sha = await deps.resolveCommit(request.ref)
      if (!sha) return deps.error(422, `No ref found for: ${request.ref}`, documentation)
      const environment = typeof request.environment === 'string' ? request.environment : 'production'
      const description = typeof request.description === 'string' ? request.description : null
      // GitHub refuses a description over 140 characters.
      if (description !== null && description.length > 140)
        return deps.error(
          422,
          'Validation Failed: description is too long (maximum is 140 characters)',
          documentation
        )
      let payload: unknown = request.payload ?? {}
      if (typeof payload === 'string') {
        try {
          payload = JSON.parse(payload)
        } catch {
          return deps.error(422, 'Invalid request.\n\nInvalid property /payload.', documentation)
        }
      }
      const deployment: FakeDeployment = {
        id: nextDeploymentId++,
        ref: request.ref,
        sha,
        task: typeof request.task === 'string' ? request.task : 'deploy',
        environment,
        description,
        payload,
        production_environment:
          typeof request.production_environment === 'boolean'
            ? request.production_environment
            : environment === 'production',
        transient_environment: request.transient_environment === true,
        auto_merge: request.auto_merge !== false,
        ...(Array.isArray(request.required_contexts)
          ? { required_contexts: request.required_contexts.map(String) }
          : {}),
        creator: deps.creator().login,
        created_at: deps.tick(),
        statuses: []
      }
      deps.deployments().push(deployment)
      const json = deploymentJson(deployment)
      return { status: 201, json, headers: { location: json.url } }
    },

    'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': async ({ params, body }) => {
      const documentation = `${docs}/deployments/statuses#create-a-deployment-status`
      const deployment = deps.deployments().find(candidate => String(candidate.id) === params.deployment_id)
      if (!deps.isThisRepo(params) || !deployment) return deps.error(404, 'Not Found', documentation)
      const refusal = deps.forbiddenWrite(documentation)
      if (refusal) return refusal
      const request = asRecord(body)
      if (!states.includes(String(request.state)))
        return deps.error(
          422,
          `Invalid request.\n\nInvalid property /state: \`${String(request.state)}\` is not a possible value.`,
          documentation
        )
      const string = (value: unknown) => (typeof value === 'string' ? value : '')
      const status: FakeDeploymentStatus = {
        id: nextStatusId++,
        state: String(request.state),
        description: string(request.description),
        environment: string(request.environment) || deployment.environment,
        environment_url: string(request.environment_url),
        log_url: string(request.log_url) || string(request.target_url),
        created_at: deps.tick()
      }
      deployment.statuses.push(status)
      const json = statusJson(deployment, status)
      return { status: 201, json, headers: { location: json.url } }
    }
  }

  return { handlers }
}
