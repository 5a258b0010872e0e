/**
 * Policy of a claim certificate in fleet-template provisioning: a certificate
 * signed by the fleet CA may only ask AWS IoT for its own device certificate
 * (from a CSR, so the private key never leaves the device) and register
 * itself through the fleet provisioning templates of that CA's fleets. Exact
 * topics only, no wildcard. Pure, like the device policy.
 */
import { IOT_POLICY_VERSION, type IotPolicyDocument } from './iot-policy';
import type { ArnRenderer } from './device-policy-document';

/** The client id of a claiming device is its certificate CN, which is unique per certificate. */
export const CLAIM_CLIENT_ID_VARIABLE = '${iot:Certificate.Subject.CommonName}';

export function claimTopics(templateNames: readonly string[]): { publish: string[]; subscribe: string[] } {
  const requests = ['$aws/certificates/create-from-csr/json', ...templateNames.map((t) => `$aws/provisioning-templates/${t}/provision/json`)];
  return {
    publish: requests,
    subscribe: requests.flatMap((r) => [`${r}/accepted`, `${r}/rejected`]),
  };
}

/**
 * Policy resources read `*` and `?` as wildcards and `${` as a variable: a
 * literal one is written `${*}`, `${?}`, `${$}`. A plain `$` (as in `$aws/`)
 * stays as it is.
 */
export function escapePolicyLiteral(topic: string): string {
  return topic.replace(/[*?]|\$(?=\{)/g, (c) => `\${${c}}`);
}

export function renderClaimPolicy(templateNames: readonly string[], arn: string | ArnRenderer): IotPolicyDocument {
  const full = typeof arn === 'string' ? (resource: string) => `${arn}:${resource}` : arn;
  const { publish, subscribe } = claimTopics(templateNames);
  const topic = (t: string) => full(`topic/${escapePolicyLiteral(t)}`);
  return {
    Version: IOT_POLICY_VERSION,
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: full(`client/${CLAIM_CLIENT_ID_VARIABLE}`) },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: publish.map(topic) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: subscribe.map((t) => full(`topicfilter/${escapePolicyLiteral(t)}`)) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: subscribe.map(topic) },
    ],
  };
}
