/**
 * The Open Inference Protocol's model repository extension: what the server's repository holds, and loading
 * and unloading models while it serves. Once the server has API keys these need an admin key; any other key
 * gets a `PermissionDeniedError` (403) and nothing changes.
 */
import type { RequestOptions } from '../client.js'
import type { components } from '../generated/openapi.js'
import type { Modelport } from '../index.js'
import { send, sendAction } from './send.js'

type Schemas = components['schemas']
export type RepositoryIndex = Schemas['RepositoryIndex']
export type RepositoryIndexEntry = Schemas['RepositoryIndexEntry']
export type RepositoryIndexRequest = Schemas['RepositoryIndexRequest']
export type RepositoryModelResponse = Schemas['RepositoryModelResponse']

const repositoryPath = (model: string, action: 'load' | 'unload') =>
  `/v2/repository/models/${encodeURIComponent(model)}/${action}`

/**
 * Every version of every model with its state, and the repository's models that are not loaded;
 * `{ ready: true }` keeps only the versions that take requests.
 *
 * @example
 * for (const { name, version, state } of await repositoryIndex(mp)) console.log(name, version, state)
 */
export const repositoryIndex = (mp: Modelport, body: RepositoryIndexRequest = {}, opts?: RequestOptions) =>
  send<RepositoryIndex>(mp, 'repositoryIndex', {
    ...opts,
    method: 'POST',
    path: '/v2/repository/index',
    json: body,
  })

/**
 * Reads the model's folder again and loads what is new or changed; resolves once it has loaded, while the
 * version it replaces goes on serving until then. A version that fails to load is a `BadRequestError`.
 */
export const loadModel = (mp: Modelport, model: string, opts?: RequestOptions) =>
  sendAction<RepositoryModelResponse>(mp, 'loadModel', repositoryPath(model, 'load'), opts)

/** Releases every version of the model once its requests in flight have finished; until loaded again it answers 503. */
export const unloadModel = (mp: Modelport, model: string, opts?: RequestOptions) =>
  sendAction<RepositoryModelResponse>(mp, 'unloadModel', repositoryPath(model, 'unload'), opts)
