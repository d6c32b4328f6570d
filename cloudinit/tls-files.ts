/**
 * Where a host keeps its TLS material, written at boot by warren-install-tls from warren-secret
 * (never by the user-data: the key is a secret). RabbitMQ reads the PEM files itself; HAProxy wants
 * certificate and key in one file for `bind ... ssl crt`.
 */
export const RABBITMQ_TLS = {
  dir: '/etc/rabbitmq/tls',
  ca: '/etc/rabbitmq/tls/ca.pem',
  cert: '/etc/rabbitmq/tls/cert.pem',
  key: '/etc/rabbitmq/tls/key.pem',
} as const;

export const HAPROXY_TLS = {
  dir: '/etc/haproxy/tls',
  ca: '/etc/haproxy/tls/ca.pem',
  /** Certificate, then private key: the stats page's `crt`. */
  pem: '/etc/haproxy/tls/stats.pem',
} as const;
