/**
 * Issue #9 on Azure: IoT Hub routes check the sender (its connection's
 * device id and its fleet's twin tag), fleets that DPS cannot tell apart are
 * refused where their rights differ, DPS gets no device rights, and in Event
 * Grid mode the broker itself binds {deviceId} to the client's
 * authentication name.
 */
import { iotHubRouteCondition, iotHubSenderGuard, FLEET_TWIN_TAG } from '../../pulumi/azure/device-contract';
import { enrollmentFile } from '../../pulumi/azure/enrollment';
import { checkAzurePlan, sharedCaProblems } from '../../pulumi/azure/checks';
import { azureSettings } from '../../pulumi/azure/layout';
import { EVENT_GRID_AUTHENTICATION_NAME_VARIABLE } from '../../lib/topic';
import type { Plan, PlanTopic } from '../../lib/plan/types';
import { EXAMPLE_NAMES, examplePlan, useEventGrid } from './helpers';

function topic(plan: Plan, name: string): PlanTopic {
  const t = plan.topics.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no topic ${name}`);
  return t;
}

/** The guards that keep a variable property to what one MQTT level holds (compile-azure.ts). */
const oneLevel = (v: string) => `${v} <> '' AND NOT CONTAINS(${v}, '/') AND NOT CONTAINS(${v}, '+') AND NOT CONTAINS(${v}, '#')`;

describe('IoT Hub route conditions check the sender', () => {
  test('a {deviceId} topic: the property must be the connection device id, and the fleet one that publishes it', () => {
    const plan = examplePlan('smart-home');
    // Written out by hand: two fleets publish "alarm", one publishes "lockState".
    expect(iotHubSenderGuard(plan, topic(plan, 'alarm'))).toBe(
      "deviceId = $connectionDeviceId AND ($twin.tags.fleet = 'locks' OR $twin.tags.fleet = 'sensors')",
    );
    expect(iotHubSenderGuard(plan, topic(plan, 'lockState'))).toBe("deviceId = $connectionDeviceId AND $twin.tags.fleet = 'locks'");
    const lockEvents = plan.routes.find((r) => r.name === 'lockEvents');
    expect(iotHubRouteCondition(plan, lockEvents!)).toBe(
      `topic = 'lockState' AND deviceId = $connectionDeviceId AND $twin.tags.fleet = 'locks' AND (${oneLevel('homeId')})`,
    );
  });

  test('a topic without {deviceId} still checks the fleet; a topic no fleet publishes routes nothing', () => {
    const plan = examplePlan('smart-home', (s) => {
      s.topics.broadcast = { pattern: 'home/{homeId}/broadcast', direction: 'device-to-cloud', qos: 1 };
      s.topics.orphan = { pattern: 'home/{homeId}/orphan', direction: 'device-to-cloud', qos: 1 };
      s.fleets.sensors.publish = [...s.fleets.sensors.publish, 'broadcast'];
    });
    expect(iotHubSenderGuard(plan, topic(plan, 'broadcast'))).toBe("$twin.tags.fleet = 'sensors'");
    expect(iotHubSenderGuard(plan, topic(plan, 'orphan'))).toBe('false');
  });

  test('the enrollment groups set the very twin tag the conditions read', () => {
    const plan = examplePlan('smart-home');
    const file = enrollmentFile(plan, azureSettings(plan, 'check'));
    for (const g of file.enrollmentGroups) expect(g.initialTwin.tags[FLEET_TWIN_TAG]).toBe(g.enrollmentGroupId);
  });
});

describe('fleets DPS cannot tell apart', () => {
  test('sharing a CA with different publish rights is refused on IoT Hub, naming the fleets and the fix', () => {
    const plan = examplePlan('smart-home', (s) => {
      s.fleets.locks.certificateAuthority = 'homeDevices';
    });
    const problems = checkAzurePlan(plan).filter((p) => p.path === 'certificateAuthorities.homeDevices');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/^fleets "locks", "sensors" share this CA but publish different topics: .*Give each fleet its own issuing CA/),
      }),
    ]);
  });

  test('sharing a CA with the same publish rights is only a warning', () => {
    const plan = examplePlan('smart-home', (s) => {
      s.fleets.locks.certificateAuthority = 'homeDevices';
      s.fleets.locks.publish = [...s.fleets.sensors.publish];
    });
    expect(sharedCaProblems(plan)).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  test('Event Grid registers each client with its fleet, so a shared CA is not refused there', () => {
    const plan = examplePlan('smart-home', (s) => {
      s.fleets.locks.certificateAuthority = 'homeDevices';
      useEventGrid(s);
      for (const sink of Object.values(s.sinks)) if (sink.kind === 'archive') sink.clouds = ['aws', 'gcp'];
    });
    expect(checkAzurePlan(plan).filter((p) => p.path.startsWith('certificateAuthorities') && p.severity === 'error')).toEqual([]);
  });

  test.each(EXAMPLE_NAMES)('example %s passes the Azure checks', (name) => {
    expect(checkAzurePlan(examplePlan(name)).filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('Event Grid mode binds {deviceId} to the authentication name', () => {
  test.each(EXAMPLE_NAMES)('%s: every template puts the identity exactly at the {deviceId} level and "+" at the others', (name) => {
    const plan = examplePlan(name);
    for (const t of plan.topics) {
      const levels = t.eventGridTemplate.split('/');
      const pattern = t.pattern.split('/');
      expect(levels).toHaveLength(pattern.length);
      pattern.forEach((level, i) => {
        if (level === '{deviceId}') expect(levels[i]).toBe(EVENT_GRID_AUTHENTICATION_NAME_VARIABLE);
        else if (level.startsWith('{')) expect(levels[i]).toBe('+');
        else expect(levels[i]).toBe(level);
      });
    }
  });
});
