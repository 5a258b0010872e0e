/**
 * DPS enrollment groups, one per fleet. They are data-plane objects (the
 * DPS service API, not ARM), so `pulumi up` cannot create them: the kit
 * writes the exact documents to `out/azure/enrollment-groups.json` and the
 * `az iot dps enrollment-group create` command for each, to run after
 * `pulumi up`. Pure and deterministic.
 *
 * Document shape: DPS service REST API `EnrollmentGroup` (api-version
 * 2021-06-01): X.509 attestation through `caReferences` naming verified DPS
 * certificates, so devices present a certificate signed by the fleet CA and
 * need no per-device registration.
 */
import type { Plan, PlanFleet } from '../../lib/plan/types';
import { childNames, iotHubHostName, type AzureSettings } from './layout';
import { FLEET_TWIN_TAG } from './device-contract';

export const DPS_SERVICE_API_VERSION = '2021-06-01';

export interface EnrollmentGroup {
  readonly enrollmentGroupId: string;
  readonly attestation: {
    readonly type: 'x509';
    readonly x509: { readonly caReferences: { readonly primary: string; readonly secondary?: string } };
  };
  readonly iotHubs: readonly string[];
  readonly allocationPolicy: 'hashed';
  readonly provisioningStatus: 'enabled';
  readonly reprovisionPolicy: { readonly updateHubAssignment: boolean; readonly migrateDeviceData: boolean };
  readonly capabilities: { readonly iotEdge: boolean };
  readonly initialTwin: {
    readonly tags: { readonly fleet: string; readonly iotkit: { readonly spec: string; readonly certificateAuthority: string } };
    readonly properties: { readonly desired: Record<string, never> };
  };
}

export interface EnrollmentFile {
  readonly provisioningService: string;
  readonly resourceGroup: string;
  readonly apiVersion: string;
  readonly note: string;
  readonly enrollmentGroups: readonly EnrollmentGroup[];
  /** One shell command per group, in the same order. */
  readonly commands: readonly string[];
}

/** DPS certificate names of an authority, in spec order (the first is primary). */
export function dpsCertificateNames(plan: Plan, authority: string): string[] {
  const ca = plan.authorities.find((a) => a.name === authority);
  if (ca === undefined) throw new Error(`internal: unknown certificate authority "${authority}"`);
  return ca.certificates.map((c) => childNames.certificate(ca.name, c.sha256));
}

/** DPS allows a primary and a secondary CA reference per enrollment group. */
export const MAX_CA_REFERENCES = 2;

export function enrollmentGroup(plan: Plan, fleet: PlanFleet, settings: AzureSettings): EnrollmentGroup {
  const [primary, secondary] = dpsCertificateNames(plan, fleet.certificateAuthority);
  return {
    enrollmentGroupId: fleet.name,
    attestation: { type: 'x509', x509: { caReferences: secondary === undefined ? { primary } : { primary, secondary } } },
    iotHubs: [iotHubHostName(settings.names)],
    allocationPolicy: 'hashed',
    provisioningStatus: 'enabled',
    reprovisionPolicy: { updateHubAssignment: true, migrateDeviceData: true },
    capabilities: { iotEdge: false },
    initialTwin: {
      tags: { [FLEET_TWIN_TAG]: fleet.name, iotkit: { spec: plan.name, certificateAuthority: fleet.certificateAuthority } },
      properties: { desired: {} },
    },
  };
}

/** Single-quotes for POSIX shells. */
function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function enrollmentCommand(group: EnrollmentGroup, settings: AzureSettings): string {
  const refs = group.attestation.x509.caReferences;
  return [
    'az iot dps enrollment-group create',
    `--dps-name ${sh(settings.names.provisioningService)}`,
    `--resource-group ${sh(settings.names.resourceGroup)}`,
    `--enrollment-id ${sh(group.enrollmentGroupId)}`,
    `--ca-name ${sh(refs.primary)}`,
    ...(refs.secondary !== undefined ? [`--secondary-ca-name ${sh(refs.secondary)}`] : []),
    `--iot-hubs ${sh(group.iotHubs.join(' '))}`,
    `--allocation-policy ${group.allocationPolicy}`,
    `--reprovision-policy reprovisionandmigratedata`,
    `--provisioning-status ${group.provisioningStatus}`,
    `--initial-twin-tags ${sh(JSON.stringify(group.initialTwin.tags))}`,
    '--auth-type login',
  ].join(' ');
}

export function enrollmentFile(plan: Plan, settings: AzureSettings): EnrollmentFile {
  const groups = plan.fleets.map((f) => enrollmentGroup(plan, f, settings));
  return {
    provisioningService: settings.names.provisioningService,
    resourceGroup: settings.names.resourceGroup,
    apiVersion: DPS_SERVICE_API_VERSION,
    note:
      'Enrollment groups are DPS data-plane objects: after `pulumi up`, run each command (Azure CLI with the azure-iot extension; ' +
      '--auth-type login needs the "Device Provisioning Service Data Contributor" role), or PUT each document to ' +
      `https://<dps>.azure-devices-provisioning.net/enrollmentGroups/<enrollmentGroupId>?api-version=${DPS_SERVICE_API_VERSION}.`,
    enrollmentGroups: groups,
    commands: groups.map((g) => enrollmentCommand(g, settings)),
  };
}
