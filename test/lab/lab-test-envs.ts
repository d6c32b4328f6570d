/** The environments the lab tests boot (each at most once per run, shared across test files). */
export const LAB_TEST_ENVS = ['dev', 'elb'] as const;
