import { badRequest } from '../core/errors.js'

/** Model names are plain identifiers, so nothing from a request can reach the file system as a path. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
export const MODEL_VERSION = /^[0-9]{1,18}$/

export function checkModelName(name: string): string {
  if (!MODEL_NAME.test(name) || name === '.' || name === '..') {
    throw badRequest(
      'invalid_model_name',
      `Model name ${JSON.stringify(name.slice(0, 140))} is not valid: use letters, digits, '.', '_' or '-' (at most 128), starting with a letter or digit.`,
      'model',
    )
  }
  return name
}

export function checkVersion(version: string): string {
  if (!MODEL_VERSION.test(version)) {
    throw badRequest(
      'invalid_model_version',
      `Model version ${JSON.stringify(version.slice(0, 40))} is not valid: versions are numbers such as 1 or 2.`,
      'version',
    )
  }
  return version
}
