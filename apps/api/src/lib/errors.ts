import type { ErrorBody } from '@slipway/contracts';

type Detail = NonNullable<ErrorBody['details']>[number];

/** The API's error taxonomy: every error a service throws on purpose is one of these. */
export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  readonly details: Detail[] | undefined;
  /** More fields of the error body (declared by the endpoint's `errorBodies`), e.g. a stale approval's new diff. */
  readonly extra: Record<string, unknown> | undefined;

  constructor(message: string, details?: Detail[], extra?: Record<string, unknown>) {
    super(message);
    this.details = details;
    this.extra = extra;
  }
}

export class BadRequestError extends AppError {
  override name = 'BadRequestError';
  readonly statusCode = 400;
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  readonly statusCode = 401;
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  readonly statusCode = 403;
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  readonly statusCode = 404;
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  readonly statusCode = 409;
}

/** 422: the request is well-formed but contradicts what the server already holds for it. */
export class UnprocessableEntityError extends AppError {
  override name = 'UnprocessableEntityError';
  readonly statusCode = 422;
}

export class TooManyRequestsError extends AppError {
  override name = 'TooManyRequestsError';
  readonly statusCode = 429;
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
