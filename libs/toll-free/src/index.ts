/** What apps, tests and tools import: the service definition, and the countries with numbers (tools/rates). */
export { tollFreeService } from './lib/toll-free.service';
export { TOLL_FREE_COUNTRIES } from './lib/inventory/sample-inventory';
