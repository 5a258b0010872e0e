import * as pulumi from '@pulumi/pulumi';
import { runUnderMocks } from '../../pulumi/shared/mock-runner';

class Root extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super('test:x:Root', name, {}, opts);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const resources = require('@pulumi/azure-native/resources') as typeof import('@pulumi/azure-native/resources');
    const rg = new resources.ResourceGroup('rg', { resourceGroupName: 'rg1', location: 'westeurope', tags: { s: pulumi.secret('x') } }, { parent: this });
    new resources.ResourceGroup('rg2', { resourceGroupName: rg.name.apply((n) => n + '-2') }, { parent: this, dependsOn: [rg] });
    this.registerOutputs({});
  }
}

test('smoke', async () => {
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) {
    const g = await runUnderMocks((root) => { new Root('root', root); }, {
      cloud: {
        newResource: (a) => ({ id: a.custom ? `id-${a.name}` : undefined, state: { ...a.inputs, name: a.inputs.resourceGroupName } }),
        call: () => ({}),
      },
    });
    if (i === 0) console.log(JSON.stringify(g, null, 1));
    console.log('run', i, Date.now() - t0);
  }
});
