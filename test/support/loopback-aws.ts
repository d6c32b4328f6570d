/**
 * The environment under which the real AWS CLI talks only to a loopback stand-in of an AWS API:
 * throwaway credentials, no config or credentials file of the machine, no instance metadata lookup.
 * The endpoint itself is passed by each test (WARREN_SSM_ENDPOINT_URL, WARREN_EC2_ENDPOINT_URL).
 */
export const LOOPBACK_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'AKIDLOOPBACKTESTONLY',
  AWS_SECRET_ACCESS_KEY: 'loopback-test-only',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};
