import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

import { HttpProblem } from './error-body';

/**
 * Path parameter that must be a non-negative decimal integer, such as the
 * position of a signing secret. Whether the value is in range is the domain's call.
 */
@Injectable()
export class NonNegativeIntegerPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    if (!/^\d+$/.test(value)) {
      throw HttpProblem.badRequest(`${metadata.data ?? 'value'} must be a non-negative integer`);
    }

    return Number(value);
  }
}
