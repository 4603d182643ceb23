/**
 * The deploy scenario (a version change under continuous load, side by side):
 * {@link dev.gatehouse.bench.deploy.DeployRun} sends load with unique request ids through a
 * proxy in front of the v1 backends (or the nodes of a Gatehouse fleet) and, part-way, switches
 * to v2, through a Gatehouse deploy (admin API, fast or strict) or a naive config rewrite and
 * reload of nginx or HAProxy; {@link dev.gatehouse.bench.deploy.DeployReport} matches the
 * client's records with the backends' request logs and the nodes' access logs: failed requests,
 * mixed-version responses, time from the command to all new, the switch's cost, and a fleet's
 * figures beside one node's. Driven by {@code gatehouse-bench/scripts/deploy-bench.sh};
 * see docs/benchmarks.md.
 */
package dev.gatehouse.bench.deploy;
