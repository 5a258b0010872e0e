/**
 * AWS checks that need the AWS translation of the plan: device policy sizes
 * and splits, the Device Defender-style policy audit, existing-resource ARNs,
 * CloudFormation resource counts. Run by `iotkit validate` and before any
 * synth writes a file, so they are cheap: this module must not import
 * aws-cdk-lib (cli/backends.ts loads it for every validate).
 */
import type { CloudPlanCheck } from '../lib/backend';
import type { Plan } from '../lib/plan/types';
import { joinPath, type Problem } from '../lib/validate/problem';
import { claimPolicyName, provisioningTemplateName } from './aws-names';
import { duplicateClaims } from '../lib/validate/name-collisions';
import { layoutAwsPlan } from './layout';
import { concreteIotArnPrefix } from './policy/iot-policy';
import { renderPolicy } from './policy/device-policy-document';
import { renderClaimPolicy } from './policy/claim-policy-document';
import { auditIotPolicy } from './policy/policy-audit';
import { awsRegionCoverageProblems, awsRegionProblem } from './regions';
import { TARGET_DEFAULTS } from '../lib/spec/target-defaults';
import { quotedSome } from '../lib/topic/prose';
import { publishRightsDiffer, rightsDiffer } from '../lib/plan/fleet-rights';

export const checkAwsPlan: CloudPlanCheck = (plan: Plan): Problem[] => {
  const { layout, issues } = layoutAwsPlan(plan);
  const problems: Problem[] = issues.map((i) => ({ path: i.path, message: i.message, severity: i.severity }));
  const prefix = concreteIotArnPrefix(layout.region, layout.account);
  const regionProblem = plan.targets.aws?.region === undefined ? undefined : awsRegionProblem(plan.targets.aws.region);
  if (regionProblem !== undefined) problems.push({ path: 'targets.aws.region', message: regionProblem, severity: 'error' });
  else if (plan.targets.aws?.region !== undefined) {
    const audit = plan.targets.aws.audit ?? TARGET_DEFAULTS.aws.audit;
    for (const p of awsRegionCoverageProblems(plan.targets.aws.region, audit)) problems.push({ ...p, severity: 'error' });
  }

  for (const p of layout.policies.values()) {
    p.parts.forEach((grants, i) => {
      for (const f of auditIotPolicy(renderPolicy(grants, prefix))) {
        problems.push({
          path: joinPath('fleets', p.fleet),
          message: `device policy "${p.names[i]}" fails the ${f.check} audit (${f.reasonCode}): ${f.message}`,
          severity: 'error',
        });
      }
    });
  }
  // IoT policy names are unique per account and region; they join names with "-", so a fleet "ca-claim" and CA "ca"'s claim policy, or a fleet "f-part2" and fleet "f"'s second part, would make one name.
  const policies: Array<{ path: string; owner: string; key: string }> = [];
  for (const p of layout.policies.values()) {
    p.names.forEach((name, i) => policies.push({ path: joinPath('fleets', p.fleet), owner: `part ${i + 1} of fleet "${p.fleet}"'s device policy`, key: name }));
  }
  if (layout.provisioning === 'fleet-template') {
    for (const a of layout.authorities) {
      policies.push({
        path: joinPath('certificateAuthorities', a.authority),
        owner: `the claim policy of CA "${a.authority}"`,
        key: claimPolicyName(plan, a.authority),
      });
    }
  }
  for (const { claim, previous } of duplicateClaims(policies))
    problems.push({
      path: claim.path,
      message: `${claim.owner} would be the AWS IoT policy "${claim.key}", which ${previous.owner} already is: rename the fleet or the CA`,
      severity: 'error',
    });
  if (layout.provisioning === 'fleet-template') {
    // A claim certificate may use every template of its CA (the claim policy allows them all), so a device of one
    // fleet can register into another fleet of the same CA, with that fleet's policy. Refused when they publish
    // different topics, as on Azure and GCP; a warning when only what they subscribe differs.
    const fleetsByName = new Map(plan.fleets.map((f) => [f.name, f]));
    for (const a of layout.authorities.filter((x) => x.fleets.length > 1)) {
      const fleets = a.fleets.map((n) => fleetsByName.get(n)).filter((f) => f !== undefined);
      const publishDiffers = publishRightsDiffer(fleets);
      if (publishDiffers || rightsDiffer(fleets)) {
        problems.push({
          path: joinPath('certificateAuthorities', a.authority),
          severity: publishDiffers ? 'error' : 'warning',
          message: `fleets ${quotedSome(a.fleets)} share this CA with fleet-template provisioning: a claim certificate may use every template of its CA, so a device of one fleet can register into the other and get its policy (${publishDiffers ? 'they publish different topics' : "they publish the same topics; each could subscribe to the other's, with its own id"}). Give each fleet its own issuing CA (iotkit certs init --dir <new folder>, then a new entry in certificateAuthorities)`,
        });
      }
    }
    for (const a of layout.authorities) {
      const name = claimPolicyName(plan, a.authority);
      for (const f of auditIotPolicy(
        renderClaimPolicy(
          a.fleets.map((fl) => provisioningTemplateName(plan, fl)),
          prefix,
        ),
      )) {
        problems.push({
          path: joinPath('certificateAuthorities', a.authority),
          message: `claim policy "${name}" fails the ${f.check} audit (${f.reasonCode}): ${f.message}`,
          severity: 'error',
        });
      }
    }
  }
  return problems;
};
