/**
 * Canary and shadow rollouts between a model's versions: read, set and end one, promote its candidate or
 * roll it back. Once the server has API keys these need an admin key; any other key gets a
 * `PermissionDeniedError` (403) and nothing changes.
 */
import type { RequestOptions } from '../client.js'
import type { components } from '../generated/openapi.js'
import type { Modelport } from '../index.js'
import { send, sendAction } from './send.js'

type Schemas = components['schemas']
export type Rollout = Schemas['Rollout']
export type RolloutSettings = Schemas['RolloutSettings']

const rolloutPath = (model: string, action = '') =>
  `/v2/repository/models/${encodeURIComponent(model)}/rollout${action}`

/** The model's rollout now: its stable version, canary, shadow, rollback thresholds and the candidates' windows. */
export const modelRollout = (mp: Modelport, model: string, opts?: RequestOptions) =>
  send<Rollout>(mp, 'modelRollout', { ...opts, method: 'GET', path: rolloutPath(model) })

/**
 * Starts or changes the model's rollout; the next unpinned request follows it.
 *
 * @example
 * await setModelRollout(mp, 'mlp', { canary: { version: '2', weight: 0.1 } })
 */
export const setModelRollout = (
  mp: Modelport,
  model: string,
  settings: RolloutSettings,
  opts?: RequestOptions,
) =>
  send<Rollout>(mp, 'setModelRollout', { ...opts, method: 'PUT', path: rolloutPath(model), json: settings })

/** Ends the model's rollout: unpinned requests go to its newest version again. */
export const clearModelRollout = (mp: Modelport, model: string, opts?: RequestOptions) =>
  send<Rollout>(mp, 'clearModelRollout', { ...opts, method: 'DELETE', path: rolloutPath(model) })

/** Makes the canary (or else the shadow) the stable version. */
export const promoteModelRollout = (mp: Modelport, model: string, opts?: RequestOptions) =>
  sendAction<Rollout>(mp, 'promoteModelRollout', rolloutPath(model, '/promote'), opts)

/** Takes the canary and shadow out of the rollout; the stable version takes every unpinned request. */
export const rollbackModelRollout = (mp: Modelport, model: string, opts?: RequestOptions) =>
  sendAction<Rollout>(mp, 'rollbackModelRollout', rolloutPath(model, '/rollback'), opts)
