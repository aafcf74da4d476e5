/**
 * How a model's unpinned requests are split between its versions, as `model.json` `rollout` and the
 * rollout API say: the stable version, a canary that takes a weight of the traffic, a shadow that is
 * sent a copy of a share of it, and when to roll a candidate back by itself. One parser for both.
 */
import { MODEL_VERSION } from '../lifecycle/model-names.js'

export interface CanarySettings {
  version: string
  /** The share of unpinned requests the canary answers, 0–1. */
  weight: number
}

export interface ShadowSettings {
  version: string
  /** The share of requests answered by the stable version that are also run on the shadow, 0–1. */
  share: number
}

export interface RollbackSettings {
  /** The window the thresholds are read over, in milliseconds. */
  windowMs: number
  /** Roll back once this share of the candidate's runs in the window failed (0–1). */
  maxErrorRate?: number
  /** Roll back once the 99th percentile of the candidate's run times in the window is over this. */
  maxP99Ms?: number
  /** Runs in the window before a threshold is judged (default 20). */
  minRequests: number
}

export interface RolloutSettings {
  /** The version unpinned requests go to; the newest that takes requests when left out. */
  stable?: string
  canary?: CanarySettings
  shadow?: ShadowSettings
  rollback?: RollbackSettings
}

/** A setting that is not what it must be; the message says which and why. */
export class RolloutSettingsError extends Error {
  override name = 'RolloutSettingsError'
}

const fail = (message: string): never => {
  throw new RolloutSettingsError(message)
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function onlyKeys(value: Record<string, unknown>, where: string, keys: string[]): void {
  for (const key of Object.keys(value))
    if (!keys.includes(key)) fail(`${where} has no field '${key}' (it has ${keys.join(', ')})`)
}

/** A version as a number or a numeric string, in the registry's canonical form (`"02"` is version 2). */
function version(value: unknown, where: string): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof text !== 'string' || !MODEL_VERSION.test(text))
    fail(`${where} must be a version number such as 1 or "2"`)
  return String(BigInt(text as string))
}

function share(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(`${where} must be a number from 0 to 1`)
  return value as number
}

function positive(value: unknown, where: string, whole: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || (whole && !Number.isInteger(value)))
    fail(`${where} must be a ${whole ? 'whole ' : ''}number above 0`)
  return value as number
}

function parseRollback(value: unknown, where: string): RollbackSettings {
  if (!isObject(value)) return fail(`${where} must be an object`)
  onlyKeys(value, where, ['window_ms', 'max_error_rate', 'max_p99_ms', 'min_requests'])
  if (value.max_error_rate === undefined && value.max_p99_ms === undefined)
    fail(`${where} needs max_error_rate, max_p99_ms or both`)
  return {
    windowMs: positive(value.window_ms, `${where}.window_ms`, true),
    ...(value.max_error_rate !== undefined && {
      maxErrorRate: share(value.max_error_rate, `${where}.max_error_rate`),
    }),
    ...(value.max_p99_ms !== undefined && {
      maxP99Ms: positive(value.max_p99_ms, `${where}.max_p99_ms`, false),
    }),
    minRequests:
      value.min_requests === undefined ? 20 : positive(value.min_requests, `${where}.min_requests`, true),
  }
}

/** A canary's or a shadow's settings: `{ version, <key> }`, the key a share of requests, 0–1. */
function versionShare(
  value: unknown,
  where: string,
  key: 'weight' | 'share',
): { version: string; share: number } {
  if (!isObject(value)) return fail(`${where} must be an object`)
  onlyKeys(value, where, ['version', key])
  return { version: version(value.version, `${where}.version`), share: share(value[key], `${where}.${key}`) }
}

/** Reads rollout settings from JSON (`model.json` `rollout`, or the body of the rollout API). */
export function parseRolloutSettings(value: unknown, where = 'rollout'): RolloutSettings {
  if (!isObject(value)) return fail(`${where} must be an object`)
  onlyKeys(value, where, ['stable', 'canary', 'shadow', 'rollback'])
  const settings: RolloutSettings = {}
  if (value.stable !== undefined) settings.stable = version(value.stable, `${where}.stable`)
  if (value.canary !== undefined) {
    const { version, share } = versionShare(value.canary, `${where}.canary`, 'weight')
    settings.canary = { version, weight: share }
  }
  if (value.shadow !== undefined) settings.shadow = versionShare(value.shadow, `${where}.shadow`, 'share')
  if (value.rollback !== undefined) settings.rollback = parseRollback(value.rollback, `${where}.rollback`)
  if (settings.stable !== undefined && settings.canary?.version === settings.stable)
    fail(`${where}.canary.version is the stable version; a canary is another version`)
  if (settings.stable !== undefined && settings.shadow?.version === settings.stable)
    fail(`${where}.shadow.version is the stable version; a shadow is another version`)
  return settings
}

/** `model.json` `rollout`, if it has one. */
export function readRolloutSettings(config: Record<string, unknown>): RolloutSettings | undefined {
  return config.rollout === undefined ? undefined : parseRolloutSettings(config.rollout)
}

/** The settings in their JSON form (snake_case, as written in `model.json`). */
export function rolloutSettingsJson(settings: RolloutSettings) {
  const { stable, canary, shadow, rollback } = settings
  return {
    ...(stable !== undefined && { stable }),
    ...(canary && { canary: { ...canary } }),
    ...(shadow && { shadow: { ...shadow } }),
    ...(rollback && {
      rollback: {
        window_ms: rollback.windowMs,
        ...(rollback.maxErrorRate !== undefined && { max_error_rate: rollback.maxErrorRate }),
        ...(rollback.maxP99Ms !== undefined && { max_p99_ms: rollback.maxP99Ms }),
        min_requests: rollback.minRequests,
      },
    }),
  }
}
