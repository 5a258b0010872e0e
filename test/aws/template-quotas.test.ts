/** CloudFormation's per-template quotas, checked on the synthesized templates before anything is written. */
import { CFN_MAX_OUTPUTS_PER_STACK, CFN_MAX_TEMPLATE_BYTES, templateQuotaProblems } from '../../cdk/template-quotas';
import { CFN_MAX_RESOURCES_PER_STACK } from '../../cdk/layout';

/** A template as synth hands it to the check: the object and its text. */
function rendered(stackName: string, text: string) {
  return { stackName, template: JSON.parse(text) as object, text };
}

function template(outputs: number, resources: number, padding = 0): string {
  const o = Object.fromEntries(Array.from({ length: outputs }, (_, i) => [`Out${i}`, { Value: 'v', Export: { Name: `e${i}` } }]));
  const r = Object.fromEntries(Array.from({ length: resources }, (_, i) => [`Res${i}`, { Type: 'AWS::SQS::Queue' }]));
  return `${JSON.stringify({ Resources: r, Outputs: o, Description: 'x'.repeat(padding) }, null, 2)}\n`;
}

test.each([0, 1, CFN_MAX_OUTPUTS_PER_STACK - 1, CFN_MAX_OUTPUTS_PER_STACK])('%i outputs fit', (n) => {
  expect(templateQuotaProblems([rendered('s', template(n, 1))])).toEqual([]);
});

test.each([CFN_MAX_OUTPUTS_PER_STACK + 1, 2 * CFN_MAX_OUTPUTS_PER_STACK])('%i outputs are refused, naming the stack and the count', (n) => {
  const problems = templateQuotaProblems([rendered('iotkit-plant', template(n, 1))]);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`stack iotkit-plant has ${n} outputs, over CloudFormation's 200`);
  expect(problems[0]).toMatch(/fewer sinks or fleets/);
});

test('resources over 500 and a template over 1 MB are refused; every stack and every quota is listed', () => {
  const base = template(0, 1);
  const big = template(0, 1, CFN_MAX_TEMPLATE_BYTES - Buffer.byteLength(base) + 1);
  expect(Buffer.byteLength(big)).toBe(CFN_MAX_TEMPLATE_BYTES + 1);
  expect(templateQuotaProblems([rendered('fits', template(0, 1, CFN_MAX_TEMPLATE_BYTES - Buffer.byteLength(base)))])).toEqual([]);
  const problems = templateQuotaProblems([
    rendered('a', template(CFN_MAX_OUTPUTS_PER_STACK + 1, CFN_MAX_RESOURCES_PER_STACK + 1)),
    rendered('b', big),
    rendered('c', template(3, CFN_MAX_RESOURCES_PER_STACK)),
  ]);
  expect(problems.map((p) => p.split(' ').slice(0, 2).join(' '))).toEqual(['stack a', 'stack a', 'stack b']);
  expect(problems[1]).toContain(`${CFN_MAX_RESOURCES_PER_STACK + 1} resources`);
  expect(problems[2]).toContain(`${CFN_MAX_TEMPLATE_BYTES + 1} bytes`);
});
