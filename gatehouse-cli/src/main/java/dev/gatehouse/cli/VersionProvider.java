package dev.gatehouse.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, when there is one. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"gatehouse " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
