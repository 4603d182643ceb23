/**
 * The {@code gatehouse} command line: run, demo and validate start or check a node; status,
 * backend, reload, deploy and rollback talk to a running node through its admin API.
 */
package dev.gatehouse.cli;
