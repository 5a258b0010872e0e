/**
 * Azure's limits depend on the broker (found by fuzzing large specs). IoT
 * Hub mode: 10 custom endpoints (one per sink) and 100 routes (one per route
 * and sink). Event Grid mode has neither: each route and sink is an event
 * subscription on the namespace's routing topic (at most 500), and the stream
 * sinks the kit creates are event hubs of one Standard namespace (at most
 * 10). Event Grid specs were refused with IoT Hub's limits and wording.
 */
import { smallSpec, type LooseSpec } from '../helpers/fixtures';
import { specErrors } from '../helpers/spec-errors';
import type { Spec } from '../../lib/spec/types';

/** `streams` and `queues` sinks, `routes` routes from telemetry, each to `fanOut` sinks in turn. */
function errorsOf(broker: 'iothub' | 'eventgrid', streams: number, queues: number, routes: number, fanOut = 1): string[] {
  const { spec, dir } = smallSpec('lim', { azure: { location: 'westeurope', broker } }, (s: LooseSpec) => {
    s.sinks = {};
    for (let i = 0; i < streams; i++) s.sinks[`st${i}`] = { kind: 'stream' };
    for (let i = 0; i < queues; i++) s.sinks[`qu${i}`] = { kind: 'queue' };
    const names = Object.keys(s.sinks);
    s.routes = Array.from({ length: routes }, (_, r) => ({
      name: `r${r}`,
      from: 'telemetry',
      to: Array.from({ length: fanOut }, (_, k) => names[(r * fanOut + k) % names.length]),
    }));
  });
  return specErrors(spec as Spec, { baseDir: dir });
}

const iotHub = (errors: string[]) => errors.filter((e) => /Azure IoT Hub allows/.test(e));

test.each([
  ['11 sinks', 6, 5, 11, 1, []],
  ['10 created stream sinks and 20 queues', 10, 20, 30, 1, []],
  [
    '11 created stream sinks',
    11,
    0,
    11,
    1,
    ['sinks: the 11 stream sinks on Azure are event hubs of one Event Hubs Standard namespace, which holds at most 10'],
  ],
  ['101 routes', 1, 1, 101, 1, []],
  ['250 routes to 2 sinks (500 subscriptions)', 2, 2, 250, 2, []],
  [
    '251 routes to 2 sinks (502 subscriptions)',
    2,
    2,
    251,
    2,
    ['routes: Azure Event Grid allows at most 500 event subscriptions per namespace topic, the spec needs 502'],
  ],
])('Event Grid mode, %s: no IoT Hub limit, its own', (_title, streams, queues, routes, fanOut, expected) => {
  const errors = errorsOf('eventgrid', streams, queues, routes, fanOut);
  expect(iotHub(errors)).toEqual([]);
  expect(errors).toEqual(expected.map((e) => expect.stringContaining(e)));
});

test.each([
  ['11 sinks', 6, 5, 11, 'sinks: Azure IoT Hub allows at most 10 custom endpoints, the spec needs 11'],
  ['101 routes', 1, 1, 101, 'routes: Azure IoT Hub allows at most 100 routes, the spec needs 101'],
])('IoT Hub mode, %s: IoT Hub limits as before', (_title, streams, queues, routes, expected) => {
  expect(errorsOf('iothub', streams, queues, routes)).toEqual([expect.stringContaining(expected)]);
});
