/**
 * Provisioning template bodies (pure JSON builders, shared by the constructs
 * and the tests). AWS IoT runs them, not CloudFormation: `Ref` and
 * `Fn::Join` here are the provisioning template's own intrinsics.
 *
 * JITP (the default): the first time a device connects with a certificate
 * signed by a registered fleet CA, AWS IoT registers the certificate, creates
 * the thing named by the certificate CN (or joins the existing thing of that
 * name only if it has the fleet's thing type: `ThingTypeName: FAIL`, so a
 * certificate never joins another fleet's thing), puts it in the fleet's
 * thing type and group, and attaches the fleet policies. When several fleets
 * share one CA, the fleet is read from the certificate OU (which
 * `iotkit certs` sets to the fleet name); a certificate without an OU is then
 * refused.
 *
 * Fleet provisioning (`provisioning: 'fleet-template'`): a certificate signed
 * by the fleet CA is only a claim; the device asks AWS IoT for its own
 * certificate from a CSR and registers through its fleet's template, passing
 * its device id.
 */
import { FLEET_ATTRIBUTE } from '../aws-names';

export interface ProvisionedFleet {
  readonly fleet: string;
  /** Thing type and thing group name. */
  readonly thingName: string;
  readonly policyNames: readonly string[];
}

type TemplateValue = string | { readonly Ref: string } | { readonly 'Fn::Join': readonly [string, readonly TemplateValue[]] };

const CN = 'AWS::IoT::Certificate::CommonName';
const OU = 'AWS::IoT::Certificate::OrganizationalUnit';
const CERT_ID = 'AWS::IoT::Certificate::Id';

function thingResource(thingName: TemplateValue, typeAndGroup: TemplateValue, fleet: TemplateValue): Record<string, unknown> {
  return {
    Type: 'AWS::IoT::Thing',
    Properties: {
      ThingName: thingName,
      ThingTypeName: typeAndGroup,
      ThingGroups: [typeAndGroup],
      AttributePayload: { [FLEET_ATTRIBUTE]: fleet },
    },
    // A thing the kit enumerated already exists with this fleet's type: keep its attributes, add it to the group. A thing of
    // another type (another fleet's device, named by this certificate's CN) fails the request, so the certificate never joins it.
    OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'FAIL', ThingGroups: 'MERGE' },
  };
}

function policyResources(names: readonly TemplateValue[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name, i) => [i === 0 ? 'policy' : `policy${i + 1}`, { Type: 'AWS::IoT::Policy', Properties: { PolicyName: name } }]));
}

/**
 * JITP template of one CA. One fleet: fixed names. Several fleets: names
 * built from `<planName>-<OU>`; every fleet of the CA then has one policy
 * (checked by checkAwsPlan).
 */
export function jitpTemplateBody(planName: string, fleets: readonly ProvisionedFleet[]): Record<string, unknown> {
  if (fleets.length === 0) throw new Error('internal: a JITP template needs at least one fleet');
  const certificate = { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: { Ref: CERT_ID }, Status: 'ACTIVE' } };
  if (fleets.length === 1) {
    const f = fleets[0];
    return {
      Parameters: { [CN]: { Type: 'String' }, [CERT_ID]: { Type: 'String' } },
      Resources: { thing: thingResource({ Ref: CN }, f.thingName, f.fleet), certificate, ...policyResources(f.policyNames) },
    };
  }
  if (fleets.some((f) => f.policyNames.length !== 1)) {
    throw new Error(`internal: fleets ${fleets.map((f) => f.fleet).join(', ')} share a CA, so each must have exactly one device policy`);
  }
  const byOu: TemplateValue = { 'Fn::Join': ['', [`${planName}-`, { Ref: OU }]] };
  return {
    Parameters: { [CN]: { Type: 'String' }, [OU]: { Type: 'String' }, [CERT_ID]: { Type: 'String' } },
    Resources: { thing: thingResource({ Ref: CN }, byOu, { Ref: OU }), certificate, ...policyResources([byOu]) },
  };
}

/** JITP template that registers a claim certificate: no thing, only the claim policy. */
export function claimJitpTemplateBody(claimPolicyName: string): Record<string, unknown> {
  return {
    Parameters: { [CERT_ID]: { Type: 'String' } },
    Resources: {
      certificate: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: { Ref: CERT_ID }, Status: 'ACTIVE' } },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: claimPolicyName } },
    },
  };
}

/** Fleet provisioning template of one fleet; the device passes `DeviceId` in RegisterThing. */
export function fleetProvisioningTemplateBody(fleet: ProvisionedFleet): Record<string, unknown> {
  return {
    Parameters: { DeviceId: { Type: 'String' }, [CERT_ID]: { Type: 'String' } },
    Resources: {
      thing: thingResource({ Ref: 'DeviceId' }, fleet.thingName, fleet.fleet),
      certificate: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: { Ref: CERT_ID }, Status: 'ACTIVE' } },
      ...policyResources(fleet.policyNames),
    },
  };
}
