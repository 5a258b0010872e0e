/**
 * The customer-managed KMS key that encrypts every sink and queue the kit
 * creates: one key per deployment, whose key policy and CloudTrail record
 * say who reads device data. Rotated yearly; retained when the stack goes,
 * because deleting it would make the retained data unreadable.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface DataKeyProps {
  /** Alias without the `alias/` prefix: letters, digits and `/_-`. */
  readonly alias: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9/_-]{1,250}$/.test(props.alias) || props.alias.startsWith('aws/')) {
      throw new Error(`DataKey ${this.node.path}: alias "${props.alias}" must be 1 to 250 of letters, digits, "/", "_" and "-", not starting with "aws/"`);
    }
    this.key = new Key(this, 'Key', {
      description: `Encrypts the data of iotkit deployment ${props.alias}`,
      alias: `alias/${props.alias}`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
