/** The {@code gatehouse} command line: run, demo, validate. */
package dev.gatehouse.cli;
