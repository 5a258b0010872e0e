/**
 * Source of the Lambda function behind the FleetMembership custom resource,
 * deployed inline (CloudFormation `ZipFile`): no asset to upload, no bucket
 * to bootstrap, and the template stays byte-identical across machines.
 *
 * CloudFormation cannot put a thing into a thing group or give it a thing
 * type (AWS::IoT::Thing has neither property), so this function does it with
 * the AWS SDK v3 the Node.js runtime ships: UpdateThing (type) and
 * AddThingToThingGroup on create/update, RemoveThingFromThingGroup for
 * things that left, and on delete. It answers CloudFormation itself over
 * HTTPS (the cfn-response helper is not guaranteed on current runtimes).
 *
 * Kept under the 4096-character limit of inline code (checked by a test).
 */
export const FLEET_MEMBERSHIP_HANDLER = `const { IoTClient, AddThingToThingGroupCommand, RemoveThingFromThingGroupCommand, UpdateThingCommand } = require('@aws-sdk/client-iot');
const https = require('https');
const iot = new IoTClient({});
const gone = (e) => e && e.name === 'ResourceNotFoundException';
async function join(p) {
  for (const t of p.ThingNames) {
    await iot.send(new UpdateThingCommand({ thingName: t, thingTypeName: p.ThingTypeName }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: p.ThingGroupName, thingName: t }));
  }
}
async function leave(p, keep) {
  for (const t of p.ThingNames) {
    if (keep.has(t)) continue;
    try {
      await iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: p.ThingGroupName, thingName: t }));
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
}
function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: event.PhysicalResourceId || event.LogicalResourceId + '-' + event.ResourceProperties.ThingGroupName,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}
exports.handler = async (event) => {
  const p = event.ResourceProperties;
  const old = event.OldResourceProperties;
  try {
    if (event.RequestType === 'Delete') {
      await leave(p, new Set());
    } else {
      if (old) await leave(old, old.ThingGroupName === p.ThingGroupName ? new Set(p.ThingNames) : new Set());
      await join(p);
    }
    await respond(event, 'SUCCESS', '');
  } catch (e) {
    console.error(e);
    await respond(event, 'FAILED', String((e && e.message) || e).slice(0, 500));
  }
};
`;
