export { DEVICE_ID_VARIABLE, MAX_VARIABLE_NAME_LENGTH, parseTopicPattern } from './pattern';
export type { ParseTopicPatternResult, TopicLevel, TopicPattern } from './pattern';
export { AWS_THING_NAME_MAX_BYTES, AWS_TOPIC_MAX_BYTES, AWS_TOPIC_MAX_SLASHES, awsTopicLimits } from './aws-limits';
export type { AwsTopicLimitOptions } from './aws-limits';
export {
  AWS_THING_NAME_POLICY_VARIABLE,
  EVENT_GRID_AUTHENTICATION_NAME_VARIABLE,
  MOSQUITTO_USERNAME_SUBSTITUTION,
  extractVariables,
  instantiate,
  toAwsPolicyTopic,
  toEventGridTemplate,
  toMosquittoAclPattern,
  toMqttFilter,
} from './render';
export { awsRuleFromMatches, mqttFilterMatches, validateMqttFilter, validateMqttTopicName } from './mqtt-match';
export { MQTT_MAX_STRING_BYTES, utf8Length } from './mqtt-string';
export { awsPolicyResourceMatches } from './aws-policy-match';
