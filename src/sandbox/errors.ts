/**
 * Error values the sandbox answers with. Three families, as on the real
 * service: KooDrive business errors (HTTP 400 + `{code, msg}`), API-gateway
 * errors (`{error_code, error_msg}`, e.g. 401 APIGW.0301), and OBS/S3-style
 * XML errors on presigned part and download URLs.
 */

/** KooDrive business codes (digest "Error codes"). */
export const Codes = {
  BadRequest: 13000101,
  ParamInvalid: 13000102,
  Internal: 13000201,
  SpaceAbnormal: 13000301,
  FileNotInSpace: 13000302,
  NotInRecycleBin: 13000303,
  TargetDirAbnormal: 13000304,
  TargetDirRecycled: 13000305,
  FileRecycled: 13000306,
  DirsNested: 13000307,
  BadMetadata: 13000308,
  NotFound: 13000309,
  DepthLimit: 13000310,
  QuotaExceeded: 13000311,
  AlreadyInTarget: 13000312,
  UploadTaskNotFound: 13000401,
  CompleteCheckFailed: 13000402,
  StateChangeFailed: 13000403,
  UploadParentRecycled: 13000404,
  DuplicateName: 13000405,
  FolderNotAllowed: 13000406,
  DownloadAddressMissing: 13000407,
  DownloadFailed: 13000408,
  UploadFailed: 13000409,
  NoPermission: 13000410,
  FileNotInThisSpace: 13000411,
  SpaceInactive: 13000412,
  SearchTypeUnsupported: 13000413,
  SearchTypeEmpty: 13000414,
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];

/** A KooDrive business error: HTTP 400 `{code, msg, ...extra}`. */
export class ApiError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Shorthand for the most common one. */
export function invalid(message: string): ApiError {
  return new ApiError(Codes.ParamInvalid, `parameter check failed: ${message}`);
}

/** An API-gateway error: `{error_code, error_msg}` with its own HTTP status. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const TOKEN_INVALID_MSG = 'Incorrect authentication information: token missing, expired or invalid';

export function tokenInvalid(): GatewayError {
  return new GatewayError(401, 'APIGW.0301', TOKEN_INVALID_MSG);
}

/** X-Date and X-User-Id are the "app authentication" headers: APIGW.0303. */
export function appAuthInvalid(detail: string): GatewayError {
  return new GatewayError(401, 'APIGW.0303', `Incorrect authentication information: ${detail}`);
}

/** An OBS (S3-compatible) error on a presigned URL, answered as XML. */
export class ObsError extends Error {
  constructor(
    readonly status: number,
    readonly obsCode: string,
    message: string,
  ) {
    super(message);
  }
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

export function obsErrorXml(code: string, message: string, requestId: string, resource = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
  );
}
