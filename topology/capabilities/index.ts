/**
 * Versions are capabilities: tables, as data, of what each release and version provides.
 * Renderers, scripts and validation ask these modules; nothing outside them compares version
 * strings (docs/design.md "Versions are capabilities").
 */
export * from './cli-dialects';
export * from './erlang-support';
export * from './exporter-packages';
export * from './feature-row';
export * from './front-door-dialects';
export * from './os-releases';
export * from './package-sources';
export * from './rabbitmq-features';
export * from './tls-support';
