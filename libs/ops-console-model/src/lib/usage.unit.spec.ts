import { csvFileName, formatDuration, usageQuery } from './usage';

describe('usage report queries', () => {
  it('turns inclusive dates into the half-open instants of the API, with the filters set', () => {
    expect(usageQuery({ from: '2026-11-01', to: '2026-11-30', callType: 'conf_out', userId: ' alice ', funding: '' }, { limit: 50, cursor: 'abc' })).toBe(
      'from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z&callType=conf_out&userId=alice&cursor=abc&limit=50',
    );
    expect(usageQuery({ from: '2026-12-31', to: '2026-12-31' }, { format: 'csv' })).toBe(
      'from=2026-12-31T00%3A00%3A00.000Z&to=2027-01-01T00%3A00%3A00.000Z&format=csv',
    );
  });

  it('names the CSV file and formats durations', () => {
    expect(csvFileName('contoso', { from: '2026-11-01', to: '2026-11-30' })).toBe('usage-contoso-2026-11-01-to-2026-11-30.csv');
    expect(formatDuration(3725)).toBe('1 h 02 min 05 s');
    expect(formatDuration(240)).toBe('4 min 00 s');
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(null)).toBe('—');
  });
});
