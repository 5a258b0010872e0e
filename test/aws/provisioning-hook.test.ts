/**
 * Fleet-template provisioning registers a device only under the id it
 * connected with: the pre-provisioning hook allows RegisterThing only when
 * the DeviceId parameter is the claiming connection's client id, which the
 * claim policy holds to the claim certificate's CN. Without it, a device
 * holding a claim could register as another device (found by fuzzing device
 * identity). The hook's decision over generated inputs, then its wiring in
 * the synthesized template: every fleet template names it, only AWS IoT of
 * the account may invoke it, and its role writes only its own logs.
 */
import * as vm from 'node:vm';
import { DEVICE_ID_HOOK_HANDLER } from '../../cdk/constructs/device-id-hook';
import { synthesizeAwsTemplates } from '../../cdk/synth';
import { layoutAwsPlan } from '../../cdk/layout';
import { resourcesOfType, smallPlan, type CfnTemplate } from './helpers';

type Hook = (event: unknown) => Promise<{ allowProvisioning: boolean }>;

function hook(): Hook {
  const module = { exports: {} as { handler?: Hook } };
  vm.runInNewContext(DEVICE_ID_HOOK_HANDLER, { exports: module.exports, module, console: { log: () => undefined } });
  if (module.exports.handler === undefined) throw new Error('no handler');
  return module.exports.handler;
}

const event = (clientId: unknown, parameters: unknown) => ({
  claimCertificateId: 'c',
  certificateId: 'd',
  certificatePem: '',
  templateArn: 'arn:aws:iot:eu-west-1:123456789012:provisioningtemplate/t',
  clientId,
  parameters,
});

test.each([
  ['its own id', true, 'dev-1', { DeviceId: 'dev-1' }],
  ['another device id', false, 'dev-1', { DeviceId: 'dev-2' }],
  ['a prefix of its id', false, 'dev-10', { DeviceId: 'dev-1' }],
  ['its id in another case', false, 'dev-1', { DeviceId: 'DEV-1' }],
  ['no DeviceId', false, 'dev-1', {}],
  ['an empty DeviceId and client id', false, '', { DeviceId: '' }],
  ['a DeviceId that is not a string', false, 'dev-1', { DeviceId: ['dev-1'] }],
  ['no parameters', false, 'dev-1', undefined],
])('a claim connected as its CN asking for %s: allowed %s', async (_, allowed, clientId, parameters) => {
  expect(await hook()(event(clientId, parameters))).toEqual({ allowProvisioning: allowed });
});

test('inline code stays under the 4096 characters CloudFormation accepts', () => {
  expect(DEVICE_ID_HOOK_HANDLER.length).toBeLessThan(4096);
});

describe('in the synthesized template', () => {
  const plan = smallPlan((spec) => {
    spec.targets.aws.provisioning = 'fleet-template';
    spec.fleets.gateways = { certificateAuthority: 'main', publish: ['telemetry'], subscribe: ['command'] };
  });
  let main: CfnTemplate;
  beforeAll(() => {
    const templates = synthesizeAwsTemplates(plan);
    main = JSON.parse(templates.find((t) => t.stackName === `iotkit-${plan.name}`)?.text ?? '{}') as CfnTemplate;
  }, 120_000);

  test('every fleet template names the hook and waits for its invoke permission', () => {
    const [[functionId]] = resourcesOfType(main, 'AWS::Lambda::Function').filter(([, f]) =>
      /registers a device only under the id/.test(String(f.Properties?.Description)),
    );
    const [[permissionId, permission]] = resourcesOfType(main, 'AWS::Lambda::Permission').filter(([, p]) => p.Properties?.Principal === 'iot.amazonaws.com');
    const templates = resourcesOfType(main, 'AWS::IoT::ProvisioningTemplate');
    expect(templates).toHaveLength(2);
    for (const [, t] of templates) {
      expect(t.Properties?.PreProvisioningHook).toEqual({ TargetArn: { 'Fn::GetAtt': [functionId, 'Arn'] }, PayloadVersion: '2020-04-01' });
      expect(t.DependsOn).toContain(permissionId);
    }
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'iot.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  test("the hook's role may only write its own logs", () => {
    const [[, role]] = resourcesOfType(main, 'AWS::IAM::Role').filter(([, r]) => /pre-provisioning hook/.test(String(r.Properties?.Description)));
    const statements = role.Properties?.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement);
    expect(statements).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow' })]);
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  test('the layout counts exactly the resources synthesized', () => {
    expect(Object.keys(main.Resources)).toHaveLength(layoutAwsPlan(plan).layout.mainStackResources);
  });
});
