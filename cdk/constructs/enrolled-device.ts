/**
 * A device listed in the spec. Always a thing named after the device id
 * (= certificate CN = MQTT client id). With a CSR, also an AWS IoT
 * certificate issued from that CSR (the private key stays on the device),
 * attached to the thing and to the fleet's policies. Without one, the device
 * later connects with a certificate from the fleet CA and provisioning
 * attaches it.
 */
import { CfnCertificate, CfnPolicyPrincipalAttachment, CfnThing, CfnThingPrincipalAttachment } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { AWS_IOT_THING_NAME, FLEET_ATTRIBUTE } from '../aws-names';

export interface EnrolledDeviceProps {
  /** Device id: the thing name and certificate CN. */
  readonly deviceId: string;
  readonly fleet: string;
  /** PEM certificate signing request. @default no certificate: the device brings one signed by the fleet CA */
  readonly csrPem?: string;
  /** Fleet policies to attach to the certificate (when there is a CSR). */
  readonly policyNames: readonly string[];
}

export class EnrolledDevice extends Construct {
  readonly thing: CfnThing;
  readonly certificate?: CfnCertificate;

  constructor(scope: Construct, id: string, props: EnrolledDeviceProps) {
    super(scope, id);
    if (!AWS_IOT_THING_NAME.test(props.deviceId)) {
      throw new Error(
        `EnrolledDevice ${this.node.path}: device id "${props.deviceId}" is not a valid thing name (letters, digits, ":", "_", "-", at most 128)`,
      );
    }
    this.thing = new CfnThing(this, 'Thing', { thingName: props.deviceId, attributePayload: { attributes: { [FLEET_ATTRIBUTE]: props.fleet } } });
    if (props.csrPem === undefined) return;

    if (/PRIVATE KEY/.test(props.csrPem) || !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(props.csrPem)) {
      throw new Error(
        `EnrolledDevice ${this.node.path}: the CSR of device "${props.deviceId}" is not a PEM certificate request (refusing anything that holds a private key)`,
      );
    }
    if (props.policyNames.length === 0) throw new Error(`EnrolledDevice ${this.node.path}: a certificate needs at least one policy`);
    const certificate = new CfnCertificate(this, 'Certificate', { certificateSigningRequest: props.csrPem, status: 'ACTIVE' });
    this.certificate = certificate;
    new CfnThingPrincipalAttachment(this, 'ThingAttachment', { thingName: this.thing.ref, principal: certificate.attrArn });
    props.policyNames.forEach((policyName, i) => {
      new CfnPolicyPrincipalAttachment(this, i === 0 ? 'PolicyAttachment' : `PolicyAttachment${i + 1}`, { policyName, principal: certificate.attrArn });
    });
  }
}
