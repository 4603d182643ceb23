/**
 * Deploys as decisions, without I/O: the plan of a version change in a pool and the state machine
 * that drives it (readiness gate, warm-up, fast or strict cutover, drain of the old version), fed
 * observations and a clock, answering with actions for the data plane to carry out. The data plane
 * (holding requests at admission, publishing the live version in a snapshot) and the CLI come
 * with the rest of the deploy issue.
 */
package dev.gatehouse.core.deploy;
