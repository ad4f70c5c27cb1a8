import { describe, expect, it } from 'vitest';
import { createRedactor, redactText, redactUrl } from '../../../local/host/redact.ts';

describe('redactUrl', () => {
  it.each([
    ['/api/ops/replay?code=abc123', '/api/ops/replay?code=<redacted>'],
    ['/api/cities?pageSize=2&code=abc&continuationToken=x', '/api/cities?pageSize=2&code=<redacted>&continuationToken=x'],
    ['/api/cities?CODE=abc&%63ode=def', '/api/cities?CODE=<redacted>&%63ode=<redacted>'],
    ['/v1/archive?latitude=1&apikey=k&sig=s&api_key=q', '/v1/archive?latitude=1&apikey=<redacted>&sig=<redacted>&api_key=<redacted>'],
    ['/api/cities', '/api/cities'],
    ['/api/x?%E0%A4%A=1&code=z', '/api/x?%E0%A4%A=1&code=<redacted>'],
    [undefined, ''],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactText', () => {
  it.each([
    ['GET http://h/api/x?code=abc failed', 'GET http://h/api/x?code=<redacted> failed'],
    ['DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02x==;BlobEndpoint=x', 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=<redacted>;BlobEndpoint=x'],
    ['Endpoint=sb://x;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc=;UseDevelopmentEmulator=true', 'Endpoint=sb://x;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<redacted>;UseDevelopmentEmulator=true'],
    ['SharedAccessSignature sr=a&sig=b%3D&se=1&skn=k', 'SharedAccessSignature sr=a&sig=<redacted>&se=1&skn=k'],
    ['headers: {"x-functions-key":"abc"}', 'headers: {"x-functions-key":"<redacted>"}'],
    ['x-functions-key: abc', 'x-functions-key: <redacted>'],
    ['authorization: Bearer eyJ0eXAi.x.y', 'authorization: <redacted>'],
  ])('redacts %s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });
});

describe('createRedactor', () => {
  it('removes this process\'s own secrets wherever they appear, also URL-encoded', () => {
    const redact = createRedactor(['s3cr3t/key+value==', undefined, 'short']);
    expect(redact('key s3cr3t/key+value== and s3cr3t%2Fkey%2Bvalue%3D%3D but short stays')).toBe('key <redacted> and <redacted> but short stays');
  });
});
