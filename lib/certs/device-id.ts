/**
 * A device id is the certificate CN, the AWS thing name, the Azure device id
 * and the Mosquitto username all at once, so it must be valid for each: AWS
 * thing names allow `[a-zA-Z0-9:_-]` up to 128 characters, which Azure device
 * ids also accept, and it has none of the MQTT wildcards or `/` that would
 * break ACL `%u` substitution. The spec validator applies the same rule.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9:_-]{1,128}$/;

export function isValidDeviceId(id: string): boolean {
  return DEVICE_ID_PATTERN.test(id);
}

export const DEVICE_ID_RULE = 'letters, digits, ":", "_" and "-", 1 to 128 characters';

/** A fleet name goes into the certificate's OU, which AWS JITP templates can read. */
export const FLEET_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
