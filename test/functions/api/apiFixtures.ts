// HTTP handler tests: requests as the host builds them, bodies read back from the streamed response.
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';

export function get(path: string): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/${path}` });
}

export function post(path: string, body: string): HttpRequest {
  return new HttpRequest({ method: 'POST', url: `http://localhost:7071/api/${path}`, body: { string: body }, headers: { 'content-type': 'application/json' } });
}

export function httpContext(functionName: string): InvocationContext {
  return new InvocationContext({ functionName, invocationId: 'test', logHandler: () => undefined });
}

export async function bodyText(response: HttpResponseInit): Promise<string> {
  if (response.jsonBody !== undefined) return JSON.stringify(response.jsonBody);
  return new Response(response.body as ReadableStream<Uint8Array>).text();
}
