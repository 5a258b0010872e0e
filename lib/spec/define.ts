import type { CertificateAuthoritySpec, FleetSpec, RouteSpec, SinkSpec, Spec, Targets, TopicSpec } from './types';

/** Names of the topics in T whose direction is D. */
export type TopicNamesOf<T, D extends TopicSpec['direction']> = {
  [K in keyof T]: T[K] extends { readonly direction: D } ? K : never;
}[keyof T] &
  string;

/** A route whose `from` can only name a device-to-cloud topic and `to` only declared sinks. */
export interface TypedRoute<From extends string, To extends string> extends Omit<RouteSpec, 'from' | 'to'> {
  readonly from: From;
  readonly to: readonly [To, ...To[]];
}

export interface TypedFleet<Ca extends string, Pub extends string, Sub extends string> extends Omit<
  FleetSpec,
  'certificateAuthority' | 'publish' | 'subscribe'
> {
  readonly certificateAuthority: Ca;
  readonly publish: readonly Pub[];
  readonly subscribe?: readonly Sub[];
}

export interface TypedSink<C2D extends string> extends Omit<SinkSpec, 'topic'> {
  readonly topic?: C2D;
}

export interface TypedSpec<
  T extends Record<string, TopicSpec>,
  S extends Record<string, TypedSink<TopicNamesOf<T, 'cloud-to-device'>>>,
  C extends Record<string, CertificateAuthoritySpec>,
> {
  readonly $schema?: string;
  readonly name: string;
  readonly description?: string;
  readonly topics: T;
  readonly sinks: S;
  readonly routes: readonly TypedRoute<TopicNamesOf<T, 'device-to-cloud'>, keyof S & string>[];
  readonly fleets: {
    readonly [name: string]: TypedFleet<keyof C & string, TopicNamesOf<T, 'device-to-cloud'>, TopicNamesOf<T, 'cloud-to-device'>>;
  };
  readonly certificateAuthorities: C;
  readonly targets: Targets;
}

/**
 * Declares a spec in TypeScript with names checked by the compiler: a route's
 * `from` must be a declared device-to-cloud topic, `to` declared sinks, a
 * fleet's topics and CA declared ones. The result is plain data, validated
 * again at run time like a JSON or YAML spec.
 */
export function defineSpec<
  const T extends Record<string, TopicSpec>,
  const S extends Record<string, TypedSink<TopicNamesOf<T, 'cloud-to-device'>>>,
  const C extends Record<string, CertificateAuthoritySpec>,
>(spec: TypedSpec<T, S, C>): Spec {
  return spec;
}
