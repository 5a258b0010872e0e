/**
 * The registry side of a fleet: a thing type and a static thing group, both
 * named `<spec>-<fleet>`. Provisioning puts every thing of the fleet in both.
 */
import { CfnThingGroup, CfnThingType } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { AWS_IOT_THING_NAME } from '../aws-names';

export interface FleetIdentityProps {
  /** Name of the thing type and the thing group: letters, digits, ":", "_", "-", at most 128. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
}

export class FleetIdentity extends Construct {
  readonly thingType: CfnThingType;
  readonly thingGroup: CfnThingGroup;
  /** Thing type name (a reference, so dependents deploy after it). */
  readonly thingTypeName: string;
  /** Thing group name (a reference, so dependents deploy after it). */
  readonly thingGroupName: string;
  readonly thingGroupArn: string;

  constructor(scope: Construct, id: string, props: FleetIdentityProps) {
    super(scope, id);
    if (!AWS_IOT_THING_NAME.test(props.name)) {
      throw new Error(`FleetIdentity ${this.node.path}: "${props.name}" must be 1 to 128 of letters, digits, ":", "_" and "-"`);
    }
    const description = props.description !== undefined ? props.description.slice(0, 2028) : undefined;
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeName: props.name,
      ...(description !== undefined ? { thingTypeProperties: { thingTypeDescription: description } } : {}),
    });
    this.thingGroup = new CfnThingGroup(this, 'ThingGroup', {
      thingGroupName: props.name,
      ...(description !== undefined ? { thingGroupProperties: { thingGroupDescription: description } } : {}),
    });
    this.thingTypeName = this.thingType.ref;
    this.thingGroupName = this.thingGroup.ref;
    this.thingGroupArn = this.thingGroup.attrArn;
  }
}
