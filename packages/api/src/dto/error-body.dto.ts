import { ApiProperty } from '@nestjs/swagger';

import { ERROR_CODES, type ErrorBody as ErrorBodyShape } from '../http/error-body';

/**
 * The JSON body of every error response, as the OpenAPI document describes it.
 * Shares its name with the wire interface so the schema is called `ErrorBody`.
 */
export class ErrorBody implements ErrorBodyShape {
  @ApiProperty({ example: 'not found' })
  error!: string;

  @ApiProperty({ enum: ERROR_CODES, example: 'not_found' })
  code!: ErrorBodyShape['code'];
}
