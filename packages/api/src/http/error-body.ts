/** Wire codes of the JSON error body `{error, code}`, listed as an enum in the OpenAPI document. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'internal_error',
  'service_unavailable',
] as const;

/** One wire code of the JSON error body. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

/** An error raised inside the HTTP layer itself (parsing, routing) with its status and wire code. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }

  static badRequest(message: string): HttpProblem {
    return new HttpProblem(400, 'bad_request', message);
  }
}
