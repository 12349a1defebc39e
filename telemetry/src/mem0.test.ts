import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { instrumentMem0 } from './mem0.js';
import { MemoryTelemetry } from './memoryTelemetry.js';
import { memoryOperationAttributes } from './tracing.js';
import { resolvePrivacy } from './privacy.js';

/** A stand-in for mem0's Memory: the guard logic is what is under test (real mem0: tests/integration). */
function fakeMemory() {
  const calls: string[] = [];
  const found = { results: [{ id: 'm1', memory: 'likes tea', score: 0.9 }] };
  const failure = new TypeError('vector store is down');
  return {
    calls,
    found,
    failure,
    memory: {
      async search(query: string, _options?: unknown) {
        calls.push(`search:${query}`);
        return found;
      },
      async add() {
        calls.push('add');
        throw failure;
      },
      async get() {
        calls.push('get');
        // A result whose properties throw when the instrumentation reads them.
        return new Proxy(
          {},
          {
            get(_target, property) {
              if (property === 'then') {
                return undefined; // not a thenable: awaiting it gives the object itself
              }
              throw new Error('hostile result');
            },
          }
        );
      },
    },
  };
}

/** A MemoryTelemetry whose every method throws, logger included. */
function throwingTelemetry(): MemoryTelemetry {
  return new Proxy(new MemoryTelemetry(), {
    get(target, property) {
      const value = Reflect.get(target, property);
      return typeof value === 'function'
        ? () => {
            throw new Error(`telemetry.${String(property)} exploded`);
          }
        : value;
    },
  });
}

function throwingTracer(mode: 'before' | 'after' | 'spans'): TracerProvider {
  const tracer = {
    // The callback comes last, after the span options as the SDK passes them.
    startActiveSpan(_name: string, ...args: unknown[]) {
      const fn = args[args.length - 1] as (span: any) => unknown;
      if (mode === 'before') {
        throw new Error('tracer exploded before the call');
      }
      const span = new Proxy(
        {},
        {
          get: (_t, p) =>
            p === 'spanContext'
              ? () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 })
              : () => {
                  throw new Error('span exploded');
                },
        }
      );
      const result = fn(span);
      if (mode === 'spans') {
        return result; // a tracer that works, with spans whose every method throws
      }
      (result as Promise<unknown>).catch(() => undefined);
      throw new Error('tracer exploded after starting the call');
    },
    startSpan() {
      throw new Error('no spans');
    },
  } as unknown as Tracer;
  return { getTracer: () => tracer };
}

describe('instrumentMem0 never hurts its host', () => {
  afterEach(() => trace.disable());

  it('returns results and errors untouched when every hook point throws', async () => {
    const { memory, calls, found, failure } = fakeMemory();
    const wrapped = instrumentMem0(memory, {
      telemetry: throwingTelemetry(),
      events: {
        log: () => {
          throw new Error('events exploded');
        },
      },
      agentType: () => {
        throw new Error('agentType exploded');
      },
    });
    await expect(wrapped.search('tea')).resolves.toBe(found);
    await expect(wrapped.add()).rejects.toBe(failure);
    const hostile = await wrapped.get();
    expect(() => (hostile as any).anything).toThrow('hostile result'); // the very object mem0 returned
    expect(calls).toEqual(['search:tea', 'add', 'get']);
  });

  it.each(['before', 'after', 'spans'] as const)(
    'runs the call exactly once when the tracer fails (%s)',
    async (mode) => {
      trace.setGlobalTracerProvider(throwingTracer(mode));
      const { memory, calls, found, failure } = fakeMemory();
      const wrapped = instrumentMem0(memory, { telemetry: new MemoryTelemetry() });
      await expect(wrapped.search('tea')).resolves.toBe(found);
      await expect(wrapped.add()).rejects.toBe(failure);
      expect(calls).toEqual(['search:tea', 'add']);
    }
  );
});

describe('span privacy', () => {
  it('hashes the user id and leaves query text out unless the host opts in', () => {
    const privacy = resolvePrivacy({ hashKey: 'k' });
    const attributes = memoryOperationAttributes({
      operation: 'search',
      userId: 'alice',
      agentId: 'coding:alice',
      query: 'secret plans',
      privacy,
    });
    expect(attributes['ai.user_id']).toBe(privacy.hash('alice'));
    expect(attributes['ai.agent_id']).toBe(`coding:${privacy.hash('alice')}`);
    expect(attributes).not.toHaveProperty('gen_ai.memory.query.text');
    const optedIn = memoryOperationAttributes({
      operation: 'search',
      userId: 'alice',
      query: 'secret plans',
      privacy: resolvePrivacy({ userId: 'keep', queryText: 'keep' }),
    });
    expect(optedIn).toMatchObject({ 'ai.user_id': 'alice', 'gen_ai.memory.query.text': 'secret plans' });
    const redacted = memoryOperationAttributes({
      operation: 'search',
      privacy: resolvePrivacy({ redactSpanAttributes: ({ 'ai.agent_id': _drop, ...rest }) => rest }),
    });
    expect(redacted).not.toHaveProperty('ai.agent_id');
  });
});

describe('agent type of a call', () => {
  it('takes the type from an agent id "type:user" and never uses a bare id as the type', async () => {
    const telemetry = new MemoryTelemetry();
    const { memory } = fakeMemory();
    const instrumented = instrumentMem0(memory, { telemetry });
    await instrumented.search('tea', { filters: { user_id: 'u-1', agent_id: 'coding:u-1' } });
    await instrumented.search('tea', { filters: { user_id: 'u-2', agent_id: 'u-2' } });
    const body = (await telemetry.exposition()).body;
    expect(body).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="success"} 1');
    expect(body).toContain('ai_memory_operations_total{operation="search",agent_type="unknown",status="success"} 1');
    expect(body).not.toContain('agent_type="u-2"');
  });
});
