/**
 * Nothing the host hands the SDK may make it throw into the host. Values whose conversion to
 * text throws (Object.create(null), a throwing toString or Symbol.toPrimitive, Symbols in
 * template literals, Proxies whose every trap throws) go into every public recording method,
 * with a logger that throws too.
 */
import fc from 'fast-check';
import { AiEventLogger } from './events.js';
import type { EsClientLike } from './indexTemplate.js';
import { MemoryTelemetry } from './memoryTelemetry.js';
import { trackOperation } from './trackOperation.js';

/** What a trap or a conversion throws: itself a value that is hard to describe. */
function hostileThrowable(): unknown {
  return Object.create(null);
}

const throwingHandler: ProxyHandler<any> = Object.fromEntries(
  ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'apply', 'construct', 'set', 'defineProperty'].map(
    (trap) => [
      trap,
      () => {
        throw hostileThrowable();
      },
    ]
  )
);

const hostileValues: Array<() => unknown> = [
  () => Object.create(null),
  () => ({
    toString() {
      throw new Error('toString says no');
    },
  }),
  () => ({
    [Symbol.toPrimitive]() {
      throw hostileThrowable();
    },
  }),
  () => new Proxy({}, throwingHandler),
  () => new Proxy(() => undefined, throwingHandler),
  () => Symbol('s'),
  () => 10n,
  () => ({ valueOf: () => Number.NaN, toString: () => 'coding:u-secret' }),
  () => 'x'.repeat(10_000),
];

/**
 * fast-check inspects the values it generates (`cloneMethod in value`), which a throwing Proxy
 * would break; so it generates a recipe, and the property builds the value.
 */
type Recipe = { hostile: number } | { plain: unknown };
const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.integer({ min: 0, max: hostileValues.length - 1 }).map((hostile) => ({ hostile })),
  fc.anything().map((plain) => ({ plain }))
);
const build = (r: Recipe): unknown => ('hostile' in r ? hostileValues[r.hostile]() : r.plain);
const hostile = recipe;
const args = fc.array(recipe, { minLength: 0, maxLength: 4 });

function throwingLogger(): never {
  throw hostileThrowable();
}

/** Every public method of MemoryTelemetry that records or converts a host value. */
const RECORDERS = [
  'recordOperation',
  'trackCacheHit',
  'setContextSize',
  'setActiveSessions',
  'trackRelevanceScore',
  'trackBatchSize',
  'setCircuitBreakerState',
  'trackCircuitBreakerFailure',
  'setDegradationLevel',
  'trackMemoryAccess',
  'trackDecisionConfidence',
  'setConsolidationRatio',
  'setContextGrowthRate',
  'trackQueryPattern',
  'updateContextGrowth',
  'agentIdLabel',
  'label',
  'reportOnce',
] as const;

describe('hostile values never throw into the host', () => {
  it('every MemoryTelemetry recording method, with any arguments and a throwing logger', () => {
    const telemetry = new MemoryTelemetry({ logger: throwingLogger, labelCap: 5, seriesCap: 5 });
    fc.assert(
      fc.property(fc.constantFrom(...RECORDERS), args, (method, values) => {
        (telemetry[method] as (...a: unknown[]) => unknown)(...values.map(build));
      }),
      { numRuns: 2000 }
    );
  });

  it('String(Object.create(null)) as a label is recorded as "unknown", not thrown', async () => {
    const telemetry = new MemoryTelemetry();
    telemetry.recordOperation(Object.create(null), 'coding', 'success', 0.1);
    expect((await telemetry.exposition()).body).toContain(
      'ai_memory_operations_total{operation="unknown",agent_type="coding",status="success"} 1'
    );
  });

  it('an agent id whose text is "type:user" is protected like a string one', () => {
    const telemetry = new MemoryTelemetry({ privacy: { hashKey: 'k' } });
    expect(telemetry.agentIdLabel({ toString: () => 'coding:u-secret' } as unknown as string)).toMatch(
      /^coding:h:[0-9a-f]{32}$/
    );
  });

  it('trackOperation hands back the host result whatever the labels', async () => {
    const telemetry = new MemoryTelemetry({ logger: throwingLogger });
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (operation, agentType) => {
        await expect(
          trackOperation(telemetry, build(operation) as string, build(agentType) as string, () => 42)
        ).resolves.toBe(42);
      }),
      { numRuns: 300 }
    );
  });

  it('AiEventLogger.log, with hostile events and field values and a throwing logger', async () => {
    const client: EsClientLike = {
      helpers: { bulk: async ({ datasource }: any) => ({ total: datasource.length, successful: datasource.length, failed: 0 }) },
      indices: { putIndexTemplate: async () => undefined },
    } as unknown as EsClientLike;
    const logger = new AiEventLogger({ client, installTemplate: false, flushIntervalMs: 60_000, logger: throwingLogger });
    try {
      fc.assert(
        fc.property(
          fc.dictionary(fc.constantFrom('agent_id', 'user_id', 'query', 'message', 'duration_ms', 'level'), recipe),
          recipe,
          (fields, whole) => {
            logger.log(Object.fromEntries(Object.entries(fields).map(([k, r]) => [k, build(r)])) as never);
            logger.log(build(whole) as never);
          }
        ),
        { numRuns: 1000 }
      );
    } finally {
      await logger.close();
    }
  });
});
