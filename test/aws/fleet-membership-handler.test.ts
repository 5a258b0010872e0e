/**
 * The inline Lambda behind the fleet-membership custom resource, run here
 * with stand-ins for the AWS SDK and for HTTPS (no AWS endpoint is called).
 */
import { FLEET_MEMBERSHIP_HANDLER } from '../../cdk/fleet-membership-handler';

interface Sent {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

type Event = Record<string, unknown>;

function load(failOn?: (s: Sent) => Error | undefined): { handler: (event: Event) => Promise<void>; sent: Sent[]; responses: Record<string, unknown>[] } {
  const sent: Sent[] = [];
  const responses: Record<string, unknown>[] = [];
  const command = (name: string) =>
    class {
      readonly name = name;
      constructor(readonly input: Record<string, unknown>) {}
    };
  const sdk = {
    IoTClient: class {
      async send(c: { name: string; input: Record<string, unknown> }): Promise<void> {
        const s = { command: c.name, input: c.input };
        sent.push(s);
        const error = failOn?.(s);
        if (error !== undefined) throw error;
      }
    },
    AddThingToThingGroupCommand: command('AddThingToThingGroup'),
    RemoveThingFromThingGroupCommand: command('RemoveThingFromThingGroup'),
    UpdateThingCommand: command('UpdateThing'),
  };
  const https = {
    request(url: string, options: { method: string }, callback: (res: { resume(): void; on(e: string, f: () => void): void }) => void) {
      let body = '';
      return {
        on() {},
        end(text: string) {
          body = text;
          responses.push({ url, method: options.method, ...(JSON.parse(body) as Record<string, unknown>) });
          callback({ resume() {}, on: (_e, f) => f() });
        },
      };
    },
  };
  const fakeRequire = (name: string): unknown => {
    if (name === '@aws-sdk/client-iot') return sdk;
    if (name === 'https') return https;
    throw new Error(`unexpected require(${name})`);
  };
  const module = { exports: {} as { handler?: (event: Event) => Promise<void> } };
  const consoleStub = { error() {} };
  new Function('require', 'exports', 'module', 'console', FLEET_MEMBERSHIP_HANDLER)(fakeRequire, module.exports, module, consoleStub);
  const handler = module.exports.handler;
  if (handler === undefined) throw new Error('no handler exported');
  return { handler, sent, responses };
}

const base = { StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Membership', ResponseURL: 'https://cloudformation-response.example/put' };
const props = { ServiceToken: 'arn', ThingGroupName: 'plant-plcs', ThingTypeName: 'plant-plcs', ThingNames: ['a', 'b'] };

test('fits the 4096-character limit of inline Lambda code', () => {
  expect(FLEET_MEMBERSHIP_HANDLER.length).toBeLessThanOrEqual(4096);
});

test('create: gives every thing the fleet type and group, then answers SUCCESS', async () => {
  const { handler, sent, responses } = load();
  await handler({ ...base, RequestType: 'Create', ResourceProperties: props });
  expect(sent).toEqual([
    { command: 'UpdateThing', input: { thingName: 'a', thingTypeName: 'plant-plcs' } },
    { command: 'AddThingToThingGroup', input: { thingGroupName: 'plant-plcs', thingName: 'a' } },
    { command: 'UpdateThing', input: { thingName: 'b', thingTypeName: 'plant-plcs' } },
    { command: 'AddThingToThingGroup', input: { thingGroupName: 'plant-plcs', thingName: 'b' } },
  ]);
  expect(responses).toEqual([
    {
      url: base.ResponseURL,
      method: 'PUT',
      Status: 'SUCCESS',
      Reason: '',
      PhysicalResourceId: 'Membership-plant-plcs',
      StackId: 'stack',
      RequestId: 'req',
      LogicalResourceId: 'Membership',
    },
  ]);
});

test('update: things that left the list leave the group, the rest (re)join; the physical id is kept', async () => {
  const { handler, sent, responses } = load();
  await handler({
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: 'kept',
    ResourceProperties: { ...props, ThingNames: ['b', 'c'] },
    OldResourceProperties: props,
  });
  expect(sent.filter((s) => s.command === 'RemoveThingFromThingGroup')).toEqual([
    { command: 'RemoveThingFromThingGroup', input: { thingGroupName: 'plant-plcs', thingName: 'a' } },
  ]);
  expect(sent.filter((s) => s.command === 'AddThingToThingGroup').map((s) => s.input.thingName)).toEqual(['b', 'c']);
  expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'kept' });
});

test('delete: every thing leaves the group; things already gone are fine', async () => {
  const gone = Object.assign(new Error('no such thing'), { name: 'ResourceNotFoundException' });
  const { handler, sent, responses } = load((s) => (s.input.thingName === 'a' ? gone : undefined));
  await handler({ ...base, RequestType: 'Delete', PhysicalResourceId: 'p', ResourceProperties: props });
  expect(sent.map((s) => s.command)).toEqual(['RemoveThingFromThingGroup', 'RemoveThingFromThingGroup']);
  expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
});

test('an AWS error answers FAILED with the reason, so the stack rolls back instead of hanging', async () => {
  const { handler, responses } = load((s) =>
    s.command === 'AddThingToThingGroup' ? Object.assign(new Error('Throttled'), { name: 'ThrottlingException' }) : undefined,
  );
  await handler({ ...base, RequestType: 'Create', ResourceProperties: props });
  expect(responses).toHaveLength(1);
  expect(responses[0]).toMatchObject({ Status: 'FAILED', Reason: 'Throttled' });
});
