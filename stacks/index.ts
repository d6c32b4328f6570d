/** stacks/: the CDK for Terraform constructs and the app that turns each environment into a stack. */
export * from './cluster-secrets';
export * from './front-door';
export * from './health-gate';
export * from './instance-role';
export * from './keepalived-front-door';
export * from './machine-image';
export * from './network';
export * from './nlb-front-door';
export * from './policy-security-groups';
export * from './rabbitmq-nodes';
export * from './review-summary';
export * from './security-group-rules';
export * from './state-backend';
export * from './terraform-string';
export * from './warren-instance';
export * from './warren-stack';
export * from './construct-error';
