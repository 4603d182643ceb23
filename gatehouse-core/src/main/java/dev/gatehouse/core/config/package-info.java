/**
 * The configuration model: immutable records validated in their constructors, and the loader that
 * turns a YAML file into them, reporting every error with its path before anything starts.
 */
package dev.gatehouse.core.config;
