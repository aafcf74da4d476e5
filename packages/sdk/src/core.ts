/**
 * The hook by which functions outside the client (`@modelport/sdk/admin`) send requests through a client's
 * own core — its headers, retries, timeouts, typed errors and `withResponse()` — without each being a
 * method that every application would bundle. `Symbol.for`, so it matches across copies of the SDK.
 */
import type { ApiPromise } from './api-promise.js'
import type { HttpRequest } from './client.js'

export const clientRequest: unique symbol = Symbol.for('modelport.sdk.request')

/** Sends a request as the client's methods do; `read` defaults to parsing the JSON answer. */
export type ClientRequest = <T>(
  req: HttpRequest,
  read?: (response: Response) => T | Promise<T>,
) => ApiPromise<T>
