/**
 * Snapshots of everything `synth --cloud azure` writes, for the three
 * examples in both broker modes. Event Grid mode cannot serve every example
 * as written (archive and warehouse sinks; filters it cannot apply exactly),
 * so each example first shows its clear validation errors, then a variant
 * with those sinks moved off Azure is snapshotted.
 */
import { SpecError } from '../../lib/validate/problem';
import { synthesizeAzure } from '../../pulumi/azure/synth';
import { checkAzurePlan } from '../../pulumi/azure/checks';
import { EXAMPLE_NAMES, examplePlan, moveOffAzure, useEventGrid, type ExampleName } from './helpers';

async function snapshotFiles(files: ReadonlyMap<string, string>): Promise<void> {
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    expect(JSON.parse(text)).toMatchSnapshot(name);
  }
}

describe.each(EXAMPLE_NAMES)('%s', (name) => {
  test('IoT Hub mode', async () => {
    const plan = examplePlan(name);
    expect(checkAzurePlan(plan).filter((p) => p.severity === 'error')).toEqual([]);
    await snapshotFiles((await synthesizeAzure(plan)).files);
  });
});

/** What Event Grid mode refuses in each example, and the sinks the variant keeps off Azure because of it. */
const EVENT_GRID: Record<ExampleName, { kindErrors: string[]; filterErrors: string[]; moveOff: string[] }> = {
  'smart-home': { kindErrors: ['sinks.history.kind'], filterErrors: ['routes[2].filter'], moveOff: ['alarmQueue', 'notify'] },
  'industrial-plant': {
    kindErrors: ['sinks.historian.kind', 'sinks.rawArchive.kind'],
    filterErrors: ['routes[1].filter', 'routes[2].filter'],
    moveOff: ['alarmQueue'],
  },
  transportation: { kindErrors: ['sinks.analytics.kind'], filterErrors: ['routes[2].filter', 'routes[3].filter'], moveOff: ['incidentQueue'] },
};

describe.each(EXAMPLE_NAMES)('%s on the Event Grid MQTT broker', (name) => {
  const expected = EVENT_GRID[name];
  const kindSinks = expected.kindErrors.map((p) => p.split('.')[1]);

  test('as written: archive and warehouse sinks on Azure are validation errors that say what to use', () => {
    let error: unknown;
    try {
      examplePlan(name, useEventGrid);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const errors = (error as SpecError).problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => p.path).sort()).toEqual(expected.kindErrors);
    for (const p of errors) expect(p.message).toContain('"stream", "queue", "function"');
  });

  test('with those sinks off Azure: route filters Event Grid cannot apply exactly are errors', () => {
    const plan = examplePlan(name, (s) => (useEventGrid(s), moveOffAzure(s, kindSinks)));
    const errors = checkAzurePlan(plan).filter((p) => p.severity === 'error');
    expect(errors.map((p) => p.path).sort()).toEqual(expected.filterErrors);
    for (const p of errors) expect(p.message).toContain('the Event Grid MQTT broker cannot apply this filter exactly');
  });

  test('variant with the sinks Event Grid cannot serve moved off Azure', async () => {
    const plan = examplePlan(name, (s) => (useEventGrid(s), moveOffAzure(s, [...kindSinks, ...expected.moveOff])));
    expect(checkAzurePlan(plan).filter((p) => p.severity === 'error')).toEqual([]);
    await snapshotFiles((await synthesizeAzure(plan)).files);
  });
});
