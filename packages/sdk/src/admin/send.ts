/** Sends an admin function's request through the client it was given, as the client's own methods do. */
import type { ApiPromise } from '../api-promise.js'
import type { HttpRequest, RequestOptions } from '../client.js'
import { clientRequest } from '../core.js'
import type { Modelport } from '../index.js'

export function send<T>(mp: Modelport, caller: string, req: HttpRequest): ApiPromise<T> {
  const request = (mp as Partial<Modelport> | undefined)?.[clientRequest]
  if (typeof request !== 'function')
    throw new TypeError(`${caller}() takes a client made by createModelport() of @modelport/sdk.`)
  return request<T>(req)
}

/** An admin action: a `POST` of an empty JSON object to `path`. */
export const sendAction = <T>(mp: Modelport, caller: string, path: string, opts?: RequestOptions) =>
  send<T>(mp, caller, { ...opts, method: 'POST', path, json: {} })
