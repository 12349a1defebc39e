import { LIMITS } from '../../../contract';
import { callResource } from './callResource';
import { SourceBreakers } from '../sources/breakers';

describe('resource paths', () => {
  const breakers = new SourceBreakers();
  afterAll(() => breakers.shutdown());
  const call = (path: string) => callResource({ path, method: 'GET', url: '', instance: undefined, breakers });

  it('reads a path with slashes around it as the resource it names', async () => {
    // No Jaeger configured: reaching the handler is what this checks.
    const response = await call('//jaeger/services//');
    expect(response).toEqual({
      code: 400,
      body: { error: 'No Jaeger URL is configured: set it in the data source settings', source: 'jaeger' },
    });
  });

  it('refuses a path over the cap at once, naming the cap', async () => {
    const started = performance.now();
    const response = await call(`a${'/'.repeat(40_000)}b`);
    expect(performance.now() - started).toBeLessThan(50);
    expect(response.code).toBe(404);
    expect(response.body).toEqual({
      error: `the resource path is 40002 characters long; the limit is ${LIMITS.maxResourcePathLength}`,
    });
  });

  it('refuses over-long parameters naming the parameter and its cap', async () => {
    const response = await callResource({
      path: 'jaeger/operations',
      method: 'GET',
      url: `/jaeger/operations?service=${'s'.repeat(LIMITS.maxServiceLength + 1)}`,
      instance: { jsonData: Buffer.from(JSON.stringify({ jaegerUrl: 'http://127.0.0.1:9' })) },
      breakers,
    });
    expect(response).toEqual({
      code: 400,
      body: {
        error: `service is ${LIMITS.maxServiceLength + 1} characters long; the limit is ${LIMITS.maxServiceLength}`,
      },
    });
  });
});
