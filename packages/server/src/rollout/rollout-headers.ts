/** The response header that names the model version which answered a request. */
export const MODEL_VERSION_HEADER = 'x-modelport-model-version'
