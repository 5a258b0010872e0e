/**
 * Puts enumerated things into their fleet's thing group and gives them the
 * fleet's thing type, which AWS::IoT::Thing cannot express: one custom
 * resource per fleet and devices stack, served by FleetMembershipProvider.
 */
import { CustomResource } from 'aws-cdk-lib';
import { Construct, type IDependable } from 'constructs';
import { AWS_IOT_THING_NAME } from '../aws-names';

export interface FleetMembershipProps {
  readonly serviceToken: string;
  readonly thingGroupName: string;
  readonly thingTypeName: string;
  /** Thing names, at least one. */
  readonly thingNames: readonly string[];
  /** The things (they must exist before they can join). */
  readonly things: readonly IDependable[];
}

export class FleetMembership extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: FleetMembershipProps) {
    super(scope, id);
    if (props.thingNames.length === 0) throw new Error(`FleetMembership ${this.node.path}: needs at least one thing`);
    const bad = props.thingNames.find((n) => !AWS_IOT_THING_NAME.test(n));
    if (bad !== undefined) throw new Error(`FleetMembership ${this.node.path}: "${bad}" is not a valid thing name`);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.serviceToken,
      resourceType: 'Custom::IotkitFleetMembership',
      properties: { ThingGroupName: props.thingGroupName, ThingTypeName: props.thingTypeName, ThingNames: [...props.thingNames] },
    });
    for (const thing of props.things) this.resource.node.addDependency(thing);
  }
}
