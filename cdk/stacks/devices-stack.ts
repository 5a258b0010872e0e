/**
 * A stack of enumerated devices, `iotkit-<name>-devices-<n>` (see layout.ts
 * for which device lands where). Things, certificates from CSRs and their
 * attachments, and one fleet-membership custom resource per fleet. Thing
 * groups, types, policy names and the membership function come from the
 * main stack as CloudFormation exports, so the main stack cannot remove a
 * policy or group while a devices stack still uses it.
 */
import { type StackProps } from 'aws-cdk-lib';
import { IotkitBaseStack } from './iotkit-base-stack';
import { Construct } from 'constructs';
import type { DevicesStackLayout } from '../layout';
import { EnrolledDevice } from '../constructs/enrolled-device';
import { FleetMembership } from '../constructs/fleet-membership';
import type { FleetExports } from './iotkit-stack';
import { constructIdOf } from '../construct-id';

export interface DevicesStackProps extends StackProps {
  readonly devices: DevicesStackLayout;
  readonly fleets: ReadonlyMap<string, FleetExports>;
  readonly membershipServiceToken: string;
}

export class DevicesStack extends IotkitBaseStack {
  constructor(scope: Construct, id: string, props: DevicesStackProps) {
    super(scope, id, props);
    const devicesScope = new Construct(this, 'Devices');
    const byFleet = new Map<string, EnrolledDevice[]>();
    for (const { fleet, device } of props.devices.devices) {
      const exports = props.fleets.get(fleet);
      if (exports === undefined)
        throw new Error(`DevicesStack ${this.node.path}: device "${device.id}" is in fleet "${fleet}", which the main stack does not have`);
      const enrolled = new EnrolledDevice(devicesScope, constructIdOf(device.id), {
        deviceId: device.id,
        fleet,
        ...(device.csrPem !== undefined ? { csrPem: device.csrPem } : {}),
        policyNames: exports.policyNames,
      });
      const list = byFleet.get(fleet) ?? [];
      list.push(enrolled);
      byFleet.set(fleet, list);
    }
    const membership = new Construct(this, 'Membership');
    for (const fleet of props.devices.fleets) {
      const exports = props.fleets.get(fleet);
      const devices = byFleet.get(fleet) ?? [];
      if (exports === undefined || devices.length === 0) continue;
      new FleetMembership(membership, constructIdOf(fleet), {
        serviceToken: props.membershipServiceToken,
        thingGroupName: exports.thingGroupName,
        thingTypeName: exports.thingTypeName,
        thingNames: devices.map((d) => d.thing.thingName ?? ''),
        things: devices.map((d) => d.thing),
      });
    }
  }
}
