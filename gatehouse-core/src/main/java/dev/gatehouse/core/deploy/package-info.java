/**
 * Deploys as decisions, without I/O: the plan of a version change in a pool and the state machine
 * that drives it (readiness gate, warm-up, fast or strict cutover, drain of the old version), fed
 * observations and a clock, answering with actions for the data plane to carry out. The server's
 * {@code dev.gatehouse.server.deploy.Deployer} carries them out; the admin API
 * ({@code POST /api/v1/pools/{pool}/deploy}) and {@code gatehouse deploy} start it.
 */
package dev.gatehouse.core.deploy;
