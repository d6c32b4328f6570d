/** Where lab test runs record the labs they booted (outside the repository, like the labs). */
export const LAB_TEST_RUNS = '/run/warren-lab-tests';
