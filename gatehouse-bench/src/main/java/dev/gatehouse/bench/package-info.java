/**
 * Benchmarks. JMH microbenchmarks of hot code live next to the code they measure (same package
 * names, so they can reach package-private classes); load scenarios are scripts in
 * {@code gatehouse-bench/scripts}. See docs/benchmarks.md.
 */
package dev.gatehouse.bench;
