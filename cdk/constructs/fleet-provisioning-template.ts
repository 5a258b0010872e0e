/**
 * The fleet provisioning template of one fleet (`provisioning: 'fleet-template'`):
 * a device holding a claim certificate calls RegisterThing with its device
 * id and gets the fleet's thing type, group and policies on the certificate
 * AWS IoT issued it from its CSR.
 *
 * With a pre-provisioning hook (DeviceIdHook), a device registers only under
 * the id it connected with; without one, any holder of a claim certificate
 * may name any device id.
 */
import { CfnProvisioningTemplate } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { AWS_IOT_TEMPLATE_NAME } from '../aws-names';

export interface FleetProvisioningTemplateProps {
  /** 1 to 36 of letters, digits, "_" and "-". */
  readonly templateName: string;
  readonly templateBody: Record<string, unknown>;
  readonly provisioningRoleArn: string;
  /** @default no description */
  readonly description?: string;
  /** Lambda function ARN AWS IoT calls before provisioning. @default no hook */
  readonly preProvisioningHookArn?: string;
}

export class FleetProvisioningTemplate extends Construct {
  readonly template: CfnProvisioningTemplate;

  constructor(scope: Construct, id: string, props: FleetProvisioningTemplateProps) {
    super(scope, id);
    if (!AWS_IOT_TEMPLATE_NAME.test(props.templateName)) {
      throw new Error(`FleetProvisioningTemplate ${this.node.path}: "${props.templateName}" must be 1 to 36 of letters, digits, "_" and "-"`);
    }
    const body = JSON.stringify(props.templateBody);
    if (body.length > 10240)
      throw new Error(`FleetProvisioningTemplate ${this.node.path}: the template is ${body.length} characters; AWS IoT accepts at most 10240`);
    this.template = new CfnProvisioningTemplate(this, 'Resource', {
      templateName: props.templateName,
      templateType: 'FLEET_PROVISIONING',
      enabled: true,
      provisioningRoleArn: props.provisioningRoleArn,
      templateBody: body,
      ...(props.description !== undefined ? { description: props.description.slice(0, 500) } : {}),
      ...(props.preProvisioningHookArn !== undefined ? { preProvisioningHook: { targetArn: props.preProvisioningHookArn, payloadVersion: '2020-04-01' } } : {}),
    });
  }
}
