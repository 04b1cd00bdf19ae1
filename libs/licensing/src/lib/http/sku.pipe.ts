import { Injectable, PipeTransform } from '@nestjs/common';
import { SKUS, Sku, isSku } from '@comms-credits/contracts';
import { ProblemException } from '@comms-credits/platform';

/** A SKU path parameter: an unknown one is a 400 that lists the valid codes. */
@Injectable()
export class ParseSkuPipe implements PipeTransform<string, Sku> {
  transform(value: string): Sku {
    if (isSku(value)) return value;
    throw new ProblemException(400, 'LICENSING.UNKNOWN_SKU', 'Unknown SKU', `unknown SKU ${JSON.stringify(value)}; valid SKUs: ${SKUS.join(', ')}`, {
      validSkus: SKUS,
    });
  }
}
