package dev.gatehouse.testing.postgres;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real PostgreSQL cluster per test class: started before the class's first test, closed after
 * its last, whatever happened in between.
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension postgres = new PostgresExtension(
 *         PostgresCluster.builder().scramUser("app", "secret").database("shop", "app"));
 *
 * @Test
 * void something() throws Exception {
 *     try (Connection c = postgres.cluster().connect("shop", "app", "secret")) { ... }
 * }
 * }</pre>
 * Register it on a {@code static} field: JUnit calls an extension on an instance field only after
 * the class's start, too late for a cluster per class. Test methods, constructors and lifecycle
 * methods may also take a {@link PostgresCluster} parameter. {@code @Nested} classes share the
 * outer class's cluster. Tests that change the server (stop it, fill it) should leave it as they
 * found it, or use a cluster of their own in a try-with-resources.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final PostgresClusterBuilder builder;
    private PostgresCluster cluster;
    private String startedFor;

    /** A cluster with the builder's defaults: {@code postgres} only, 100 connections. */
    public PostgresExtension() {
        this(PostgresCluster.builder());
    }

    /**
     * A cluster as {@code builder} describes it.
     *
     * @param builder the cluster's description; the extension starts it, do not start it yourself
     */
    public PostgresExtension(PostgresClusterBuilder builder) {
        this.builder = builder;
    }

    /**
     * The running cluster of the current test class.
     *
     * @return the cluster
     * @throws IllegalStateException outside the test class's run, or when the extension is not on a static field
     */
    public synchronized PostgresCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("no cluster: the PostgresExtension must be registered on a static field"
                    + " (@RegisterExtension static final PostgresExtension ...), and used while its class runs");
        }
        return cluster;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        // A @Nested class runs inside its outer class's run: it keeps the outer cluster.
        if (cluster == null) {
            cluster = builder.start();
            startedFor = context.getUniqueId();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (cluster != null && context.getUniqueId().equals(startedFor)) {
            try {
                cluster.close();
            } finally {
                cluster = null;
                startedFor = null;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster();
    }
}
