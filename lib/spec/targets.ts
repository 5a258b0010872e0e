import { CLOUDS, type Cloud, type SinkSpec, type Targets } from './types';

/** Clouds a spec provisions: every listed target not switched off, in aws, azure, gcp order. */
export function enabledClouds(targets: Targets): Cloud[] {
  return CLOUDS.filter((c) => targets[c] !== undefined && targets[c]?.enabled !== false);
}

/** Clouds a sink is provisioned on: its own list (if any) within the enabled clouds. */
export function sinkClouds(sink: Pick<SinkSpec, 'clouds'>, enabled: readonly Cloud[]): Cloud[] {
  return enabled.filter((c) => sink.clouds === undefined || sink.clouds.includes(c));
}
