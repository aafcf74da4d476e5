// Generated from openapi/openapi.yaml by openapi-typescript. Do not edit: run `pnpm generate`.
/* eslint-disable */
export interface paths {
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List models
         * @description Every model this server can serve, local or routed, with its task, backends and versions.
         */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /** Retrieve a model */
        get: operations["retrieveModel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server metadata
         * @description The server's name, version and the protocol extensions it supports.
         */
        get: operations["serverMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server liveness */
        get: operations["serverLive"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server readiness
         * @description 200 once every model the server serves at start-up is loaded; 503 until then.
         */
        get: operations["serverReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /**
         * Model metadata
         * @description The served (highest) version's inputs and outputs, read from the model itself. `-1` marks a dynamic dimension.
         */
        get: operations["modelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        /** Model version metadata */
        get: operations["modelVersionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        /** Model readiness */
        get: operations["modelReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        /** Model version readiness */
        get: operations["modelVersionReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run inference
         * @description Runs the served (highest) version of the model on the given tensors.
         */
        post: operations["modelInfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{model}/versions/{version}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run inference on a version */
        post: operations["modelVersionInfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ModelName: string;
        ModelVersion: string;
        /**
         * @description What the model does. `raw` models are called with tensors through `/v2`.
         * @enum {string}
         */
        Task: "raw" | "embeddings" | "ocr" | "vad" | "chat";
        /** @enum {string} */
        ModelState: "loading" | "ready" | "unavailable";
        Model: {
            /** @description The model name to call it by. */
            id: string;
            /** @constant */
            object: "model";
            /** @description Unix time (seconds) the model was first seen by this server. */
            created: number;
            owned_by: string;
            task: components["schemas"]["Task"];
            /** @description Where answers come from, in routing order. */
            backends: string[];
            /** @description Available versions, newest last. The newest is served unless a version is asked for. */
            versions: components["schemas"]["ModelVersion"][];
            state: components["schemas"]["ModelState"];
        };
        ModelList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Model"][];
        };
        V1Error: {
            error: {
                message: string;
                /** @description Error class: invalid_request_error, authentication_error, not_found_error, server_error, … */
                type: string;
                /** @description A stable, machine-readable code. */
                code: string | null;
                /** @description The request field the error is about, if any. */
                param: string | null;
            };
        };
        V2Error: {
            error: string;
        };
        ServerMetadata: {
            name: string;
            version: string;
            extensions: string[];
        };
        LiveResponse: {
            live: boolean;
        };
        ReadyResponse: {
            ready: boolean;
        };
        ModelReadyResponse: {
            name: string;
            version?: components["schemas"]["ModelVersion"];
            ready: boolean;
        };
        /**
         * @description Open Inference Protocol tensor datatype. FP16 travels as JSON numbers, BYTES as strings and
         *     BOOL as booleans. BF16 is refused with a 400: ONNX Runtime for Node cannot carry it.
         * @enum {string}
         */
        Datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES" | "BF16";
        TensorMetadata: {
            name: string;
            datatype: components["schemas"]["Datatype"];
            /** @description Dimensions; `-1` marks a dynamic one. */
            shape: number[];
        };
        ModelMetadata: {
            name: string;
            versions: components["schemas"]["ModelVersion"][];
            /** @description `onnx_onnxv1` for ONNX models. */
            platform: string;
            inputs: components["schemas"]["TensorMetadata"][];
            outputs: components["schemas"]["TensorMetadata"][];
        };
        /** @description One element. Numbers for numeric types, booleans for BOOL, strings for BYTES; the strings "NaN", "Infinity", "-Infinity" for floats JSON cannot hold; decimal strings for 64-bit integers beyond ±2^53. */
        TensorElement: number | string | boolean;
        /** @description Row-major elements, flat or nested (arrays of arrays of elements) to match the shape. */
        TensorData: (components["schemas"]["TensorElement"] | unknown[])[];
        /** @description Free-form protocol parameters. */
        Parameters: {
            [key: string]: string | number | boolean;
        };
        RequestInput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data: components["schemas"]["TensorData"];
        };
        RequestOutput: {
            name: string;
            parameters?: components["schemas"]["Parameters"];
        };
        InferenceRequest: {
            /** @description Echoed in the response. */
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            inputs: components["schemas"]["RequestInput"][];
            /** @description The outputs to return; all of them when omitted. */
            outputs?: components["schemas"]["RequestOutput"][];
        };
        ResponseOutput: {
            name: string;
            shape: number[];
            datatype: components["schemas"]["Datatype"];
            parameters?: components["schemas"]["Parameters"];
            data: components["schemas"]["TensorData"];
        };
        InferenceResponse: {
            model_name: string;
            model_version?: string;
            id?: string;
            parameters?: components["schemas"]["Parameters"];
            outputs: components["schemas"]["ResponseOutput"][];
        };
    };
    responses: {
        /** @description Model metadata. */
        ModelMetadata: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelMetadata"];
            };
        };
        /** @description The model is loaded and ready. */
        ModelReady: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelReadyResponse"];
            };
        };
        /** @description The model exists but is not loaded yet, or failed to load. */
        ModelNotReady: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ModelReadyResponse"];
            };
        };
        /** @description The requested outputs. */
        InferenceResponse: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["InferenceResponse"];
            };
        };
        /** @description An error, in the OpenAI shape. */
        V1Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description The request is malformed. */
        V1BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description A key is required and was missing or wrong. */
        V1Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description No such model. */
        V1NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V1Error"];
            };
        };
        /** @description An error, in the Open Inference Protocol shape. */
        V2Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The request is malformed; the message says what to fix. */
        V2BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description A key is required and was missing or wrong. */
        V2Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description No such model or version. */
        V2NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The request body is over the configured limit. */
        V2TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
        /** @description The model is not loaded yet, or failed to load. */
        V2Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V2Error"];
            };
        };
    };
    parameters: {
        /**
         * @description A model name. Names are plain identifiers, never paths.
         * @example simplenet
         */
        ModelName: components["schemas"]["ModelName"];
        /**
         * @description A numeric model version.
         * @example 1
         */
        ModelVersion: components["schemas"]["ModelVersion"];
    };
    requestBodies: {
        InferenceRequest: {
            content: {
                "application/json": components["schemas"]["InferenceRequest"];
            };
        };
    };
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The models. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelList"];
                };
            };
            401: components["responses"]["V1Unauthorized"];
            default: components["responses"]["V1Error"];
        };
    };
    retrieveModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            400: components["responses"]["V1BadRequest"];
            401: components["responses"]["V1Unauthorized"];
            404: components["responses"]["V1NotFound"];
            default: components["responses"]["V1Error"];
        };
    };
    serverMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerMetadata"];
                };
            };
            401: components["responses"]["V2Unauthorized"];
            default: components["responses"]["V2Error"];
        };
    };
    serverLive: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server is running. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LiveResponse"];
                };
            };
            default: components["responses"]["V2Error"];
        };
    };
    serverReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve inference. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            /** @description Not ready yet. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            default: components["responses"]["V2Error"];
        };
    };
    modelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelMetadata"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelMetadata"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            default: components["responses"]["V2Error"];
        };
    };
    modelReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelReady"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            503: components["responses"]["ModelNotReady"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ModelReady"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            503: components["responses"]["ModelNotReady"];
            default: components["responses"]["V2Error"];
        };
    };
    modelInfer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["InferenceRequest"];
        responses: {
            200: components["responses"]["InferenceResponse"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            413: components["responses"]["V2TooLarge"];
            503: components["responses"]["V2Unavailable"];
            default: components["responses"]["V2Error"];
        };
    };
    modelVersionInfer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A model name. Names are plain identifiers, never paths.
                 * @example simplenet
                 */
                model: components["parameters"]["ModelName"];
                /**
                 * @description A numeric model version.
                 * @example 1
                 */
                version: components["parameters"]["ModelVersion"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["InferenceRequest"];
        responses: {
            200: components["responses"]["InferenceResponse"];
            400: components["responses"]["V2BadRequest"];
            401: components["responses"]["V2Unauthorized"];
            404: components["responses"]["V2NotFound"];
            413: components["responses"]["V2TooLarge"];
            503: components["responses"]["V2Unavailable"];
            default: components["responses"]["V2Error"];
        };
    };
}
