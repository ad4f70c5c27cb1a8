import { describe, expect, it } from 'vitest';
import { parseReplayRequest, parseVerifyRequest } from '../../../functions/aggregate/batchRequest.ts';

describe('parseReplayRequest', () => {
  it('accepts a live replay of every city and a side-table replay of named cities', () => {
    expect(parseReplayRequest({ from: '2023-01', to: '2023-08', target: 'live' })).toEqual({ from: '2023-01', to: '2023-08', target: 'live' });
    expect(parseReplayRequest({ cities: ['a', 'b', 'a'], from: '2023-01', to: '2023-01', target: 'replay1' }))
      .toEqual({ cities: ['a', 'b'], from: '2023-01', to: '2023-01', target: 'replay1' });
  });

  it.each([
    ['a body that is not an object', [], 'body'],
    ['no from', { to: '2023-01', target: 'live' }, 'from'],
    ['to before from', { from: '2023-02', to: '2023-01', target: 'live' }, 'to'],
    ['a range over 600 months', { from: '1950-01', to: '2000-01', target: 'live' }, 'to'],
    ['no target', { from: '2023-01', to: '2023-01' }, 'target'],
    ['the cities table as target', { from: '2023-01', to: '2023-01', target: 'cities' }, 'target'],
    ['the aggregates table by name', { from: '2023-01', to: '2023-01', target: 'Aggregates' }, 'target'],
    ['a table of the Functions host (same account in Azure)', { from: '2023-01', to: '2023-01', target: 'AzureFunctionsDiagnosticEvents202601' }, 'target'],
    ['a WebJobs table in other letter case', { from: '2023-01', to: '2023-01', target: 'azurewebjobshostlogs202601' }, 'target'],
    ['a target with a dash', { from: '2023-01', to: '2023-01', target: 'replay-1' }, 'target'],
    ['a table name that is not a replay\'s', { from: '2023-01', to: '2023-01', target: 'index' }, 'target'],
    ['live in other letter case (a side table, so refused)', { from: '2023-01', to: '2023-01', target: 'Live' }, 'target'],
    ['replay alone', { from: '2023-01', to: '2023-01', target: 'replay' }, 'target'],
    ['an empty city list', { cities: [], from: '2023-01', to: '2023-01', target: 'live' }, 'cities'],
    ['a city id with a slash', { cities: ['a/b'], from: '2023-01', to: '2023-01', target: 'live' }, 'cities'],
  ])('throws a ValidationError naming the field for %s', (_name, body, field) => {
    expect(() => parseReplayRequest(body)).toThrow(expect.objectContaining({ field }) as Error);
  });
});

describe('parseVerifyRequest', () => {
  it('accepts a range and a side table', () => {
    expect(parseVerifyRequest({ from: '2023-01', to: '2023-08', sideTable: 'replay1' })).toEqual({ from: '2023-01', to: '2023-08', sideTable: 'replay1' });
  });

  it.each([
    ['no side table', { from: '2023-01', to: '2023-01' }, 'sideTable'],
    ['the live table as side table', { from: '2023-01', to: '2023-01', sideTable: 'aggregates' }, 'sideTable'],
    ['a bad month', { from: '2023-1', to: '2023-01', sideTable: 'replay1' }, 'from'],
  ])('throws a ValidationError naming the field for %s', (_name, body, field) => {
    expect(() => parseVerifyRequest(body)).toThrow(expect.objectContaining({ field }) as Error);
  });
});
