export * from './lib/country-code';
export * from './lib/phone-number';
export * from './lib/emergency-number';
export * from './lib/zone-a';
