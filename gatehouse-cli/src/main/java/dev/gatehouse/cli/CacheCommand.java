package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse cache status|purge}: the routes' HTTP caches of a running node, through the
 * admin API ({@code GET /api/v1/cache}, {@code POST /api/v1/cache/purge}).
 */
@Command(name = "cache", description = "See or purge the HTTP caches of a running node: status, purge.",
        subcommands = {CacheCommand.Status.class, CacheCommand.Purge.class})
final class CacheCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "cache: what? (expected: status or purge)");
    }

    /** {@code gatehouse cache status}: each route's cache, its size and what it did. */
    @Command(name = "status", description = "Each route's cache: size in memory and on disk, hits, misses, stale answers.")
    static final class Status implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.Response r = admin.client().get(API + "/cache");
            PrintWriter out = spec.commandLine().getOut();
            if (admin.printedJson(r, out)) {
                return 0;
            }
            Table t = new Table("ROUTE", "MEMORY", "ENTRIES", "DISK", "HITS", "STALE", "REVALIDATED", "COLLAPSED", "MISSES", "BYPASSED");
            for (JsonNode c : r.json().path("caches")) {
                long disk = c.path("disk_bytes").asLong(-1);
                t.row(c.path("route").asText(), mib(c.path("memory_bytes").asLong()) + " / " + mib(c.path("memory_limit").asLong()),
                        c.path("memory_entries").asLong(), disk < 0 ? "-" : mib(disk) + " / " + mib(c.path("disk_limit").asLong()),
                        c.path("hits").asLong(), c.path("stale").asLong(), c.path("revalidated").asLong(),
                        c.path("collapsed").asLong(), c.path("misses").asLong(), c.path("bypassed").asLong());
            }
            t.print(out, "");
            out.flush();
            return 0;
        }

        private static String mib(long bytes) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        }
    }

    /** {@code gatehouse cache purge --url U | --prefix P}. */
    @Command(name = "purge", description = {
            "Remove what every route's cache holds for a URL (--url), or for every URL of a host",
            "whose path starts with a prefix (--prefix), in every version and variant."})
    static final class Purge implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Spec
        CommandSpec spec;

        /** Exactly one of the two. */
        static final class Which {
            @Option(names = "--url", paramLabel = "URL", description = "An absolute URL, e.g. https://example.com/page?id=1.")
            String url;

            @Option(names = "--prefix", paramLabel = "URL", description = "A URL prefix, e.g. https://example.com/static/.")
            String prefix;
        }

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (which.url != null) {
                body.put("url", which.url);
            } else {
                body.put("prefix", which.prefix);
            }
            AdminClient.Response r = admin.client().post(API + "/cache/purge", body);
            PrintWriter out = spec.commandLine().getOut();
            out.println(admin.json ? r.body().strip() : "purged " + r.json().path("purged").asInt() + " URLs");
            out.flush();
            return 0;
        }
    }
}
