/**
 * Property-style agreement: for random filters and random messages, the
 * compiled AWS WHERE clause, the compiled Azure route condition and the GCP
 * attribute + subscription filter select exactly the messages the neutral
 * evaluator selects. The dialects are run by test-only evaluators of their
 * documented semantics (the real services cannot run offline, and the
 * Pub/Sub emulator ignores filters), so a missing guard shows up here as a
 * disagreement.
 */
import {
  compileAwsWhere,
  compileAzureCondition,
  compileGcpSubscriptionFilter,
  evaluateFilter,
  formatFilter,
  gcpRouteAttributes,
  parseFilter,
  type FilterExpr,
} from '../../lib/filter';
import { awsWhereFires } from './aws-where-evaluator';
import { azureConditionRoutes } from './azure-condition-evaluator';
import { matchesPubSubFilter } from './pubsub-filter-interpreter';
import { seededRandom } from '../helpers/random';
import { randomFilter, randomPayload, randomTopicVariables, TOPIC_LEVELS, topicOf } from './random';

const FILTERS = 400;
const MESSAGES_PER_FILTER = 12;

interface Disagreement {
  readonly filter: string;
  readonly compiled: string;
  readonly payload: unknown;
  readonly topicVariables: Record<string, string>;
  readonly neutral: boolean;
  readonly dialect: boolean;
}

function describe1(d: Disagreement): string {
  return JSON.stringify(d, null, 2);
}

describe.each([
  ['parser-accepted filters', true, 1],
  ['any well-formed tree', false, 2],
])('agreement over %s', (_title, strict, seed) => {
  const random = seededRandom(seed);
  const filters: FilterExpr[] = Array.from({ length: FILTERS }, () => randomFilter(random, strict));

  test('AWS: the compiled WHERE fires iff the neutral filter is true', () => {
    const failures: Disagreement[] = [];
    let fired = 0;
    for (const filter of filters) {
      const where = compileAwsWhere(filter, { variableLevels: TOPIC_LEVELS });
      for (let i = 0; i < MESSAGES_PER_FILTER; i++) {
        const payload = randomPayload(random);
        const topicVariables = randomTopicVariables(random, true);
        const neutral = evaluateFilter(filter, { topicVariables, payload });
        // AWS reads numbers from the payload text as exact decimals; JSON.stringify writes shortest double forms.
        const payloadText = payload === undefined ? 'not json' : JSON.stringify(payload);
        const dialect = awsWhereFires(where, { topic: topicOf(topicVariables), payload: undefined, payloadText });
        if (neutral) fired++;
        if (neutral !== dialect) failures.push({ filter: formatFilter(filter), compiled: where, payload, topicVariables, neutral, dialect });
      }
    }
    expect(failures.slice(0, 3).map(describe1)).toEqual([]);
    // The pools must make filters fire often enough for the test to mean something.
    expect(fired).toBeGreaterThan(FILTERS);
  });

  test('Azure: the compiled condition routes iff the neutral filter is true', () => {
    const failures: Disagreement[] = [];
    for (const filter of filters) {
      const condition = compileAzureCondition(filter);
      for (let i = 0; i < MESSAGES_PER_FILTER; i++) {
        const payload = randomPayload(random);
        const topicVariables = randomTopicVariables(random, false);
        const neutral = evaluateFilter(filter, { topicVariables, payload });
        const dialect = azureConditionRoutes(condition, { properties: { ...topicVariables, topic: 'telemetry' }, body: payload });
        if (neutral !== dialect) failures.push({ filter: formatFilter(filter), compiled: condition, payload, topicVariables, neutral, dialect });
      }
    }
    expect(failures.slice(0, 3).map(describe1)).toEqual([]);
  });

  test('GCP: the bridge stamps the route attribute iff the filter holds, and the subscription filter selects exactly those messages', () => {
    const failures: Disagreement[] = [];
    filters.forEach((filter, n) => {
      const route = { name: `r${n}`, filter };
      const subscriptionFilter = compileGcpSubscriptionFilter(route.name, true);
      for (let i = 0; i < MESSAGES_PER_FILTER; i++) {
        const payload = randomPayload(random);
        const topicVariables = randomTopicVariables(random, true);
        const neutral = evaluateFilter(filter, { topicVariables, payload });
        // Other routes' attributes ride along on the same message.
        const other = { name: 'other', filter: parseFilter('exists(temperature)') };
        const attributes = { ...topicVariables, ...gcpRouteAttributes([route, other], { topicVariables, payload }) };
        const dialect = matchesPubSubFilter(subscriptionFilter, attributes);
        if (neutral !== dialect) failures.push({ filter: formatFilter(filter), compiled: subscriptionFilter, payload, topicVariables, neutral, dialect });
      }
    });
    expect(failures.slice(0, 3).map(describe1)).toEqual([]);
  });

  if (strict) {
    test('formatting round-trips: parseFilter(formatFilter(f)) deep-equals f', () => {
      for (const filter of filters) expect(parseFilter(formatFilter(filter))).toEqual(filter);
    });
  }
});

test('GCP: a route without a filter gets every message of its topic', () => {
  const filter = compileGcpSubscriptionFilter('all_telemetry', false);
  expect(filter).toBe('');
  expect(gcpRouteAttributes([{ name: 'all_telemetry' }], { topicVariables: {}, payload: {} })).toEqual({});
  expect(matchesPubSubFilter(filter, {})).toBe(true);
  expect(matchesPubSubFilter(filter, { iotkit_route_other: '1' })).toBe(true);
});
